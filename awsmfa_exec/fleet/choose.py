"""Which profiles `each` runs in: names and shell globs matched against the files, plus
the names of `--from-file`, in config order, each once."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from awsmfa_exec.config import Files, parsed, unknown_profile
from awsmfa_exec.errors import ConfigError, UsageError

_GLOB = frozenset("*?[")


def pattern_test(environ: Mapping[str, str]) -> Callable[[str], bool]:
    """Whether a word of `each`'s command line is a PATTERN: a glob, or a profile's name."""
    profiles = parsed(Files.from_environ(environ))
    return lambda word: not _GLOB.isdisjoint(word) or word in profiles


def read_names(path: str) -> list[str]:
    """One profile a line; blank lines and `#` comments skipped; `-` is stdin."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --from-file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--from-file {path} is not UTF-8 text") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def choose(
    patterns: Sequence[str], names: Iterable[str], profiles: Mapping[str, Any], files: Files
) -> list[str]:
    """The chosen profiles in config order; ConfigError when a pattern or name matches none."""
    chosen: set[str] = set()
    for pattern in patterns:
        hits = [name for name in profiles if fnmatchcase(name, pattern)]
        if not hits:
            if _GLOB.isdisjoint(pattern):
                raise unknown_profile(pattern, profiles, files)
            raise ConfigError(
                f"no profile matches {pattern!r} in {files.config} or {files.credentials}"
            )
        chosen.update(hits)
    for name in names:
        if name not in profiles:
            raise unknown_profile(name, profiles, files)
        chosen.add(name)
    if not chosen:
        raise ConfigError("no profile to run in: --from-file names none")
    return [name for name in profiles if name in chosen]
