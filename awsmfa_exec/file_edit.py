"""Line-level edits of the lines awsmfa owns in the AWS files (a profile's keys, its keyring
mark, its credential_process), keeping every other section, key and comment. Sections and
keys are found as configparser finds them, a config section's profile as botocore names it
(`[profile "dev"]` is dev); `rewriting` renames the results into place together.
"""

from __future__ import annotations

import configparser
import contextlib
import fcntl
import os
import re
import shlex
import signal
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from awsmfa_exec.errors import ConfigError

_HEADER = configparser.RawConfigParser.SECTCRE
_KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[^\s=:#;\[][^=:]*?)\s*[=:]")
_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT}


@dataclass(frozen=True)
class Section:
    """Where a profile's settings are in one file: `config` for ~/.aws/config's naming."""

    profile: str
    config: bool

    def holds(self, header: str) -> bool:
        if not self.config or header == "default":
            return header == self.profile
        if not header.startswith("profile"):
            return False
        try:
            parts = shlex.split(header)
        except ValueError:
            return False
        return len(parts) == 2 and parts[1] == self.profile

    def header(self) -> str:
        if not self.config or self.profile == "default":
            return self.profile
        return f"profile {shlex.quote(self.profile)}"


def config_section(profile: str) -> Section:
    return Section(profile, config=True)


def credentials_section(profile: str) -> Section:
    return Section(profile, config=False)


def _header(line: str) -> str | None:
    """The section a line opens, as configparser reads it (an indented line never does)."""
    if line[:1].isspace():
        return None
    found = _HEADER.match(line.strip())
    return found.group("header") if found else None


def _spans(lines: list[str], section: Section) -> list[tuple[int, int]]:
    """(header index, end index) of every section that holds `section`'s profile."""
    headers = {i: h for i, line in enumerate(lines) if (h := _header(line)) is not None}
    bounds = pairwise([*headers, len(lines)])
    return [(start, end) for start, end in bounds if section.holds(headers[start])]


def _key_lines(lines: list[str], start: int, end: int, keys: set[str]) -> list[int]:
    """Indexes of the lines holding `keys` in lines[start:end], continuation lines too.

    As configparser reads: a line indented under a key continues its value; a comment or
    an unindented line ends it.
    """
    found: list[int] = []
    current: str | None = None
    for index in range(start + 1, end):
        line = lines[index]
        if not line.strip():
            continue
        match = _KEY.match(line)
        if match and (not match.group("indent") or current is None):
            current = match.group("key").strip().lower()
        elif not line[:1].isspace():
            current = None
        if current in keys:
            found.append(index)
    return found


def remove_keys(text: str, section: Section, keys: set[str]) -> str:
    """`text` without the `keys` lines of `section`; a section left with nothing but blank
    lines loses its header too."""
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    for start, end in _spans(lines, section):
        gone = set(_key_lines(lines, start, end, keys))
        drop |= gone
        if gone and all(not lines[i].strip() for i in range(start + 1, end) if i not in gone):
            drop |= set(range(start, end))
    return "".join(line for index, line in enumerate(lines) if index not in drop)


def value_of(text: str, section: Section, key: str) -> str | None:
    lines = text.splitlines()
    for start, end in _spans(lines, section):
        for index in _key_lines(lines, start, end, {key}):
            match = _KEY.match(lines[index])
            if match:
                return lines[index][match.end() :].strip()
    return None


def set_key(text: str, section: Section, key: str, value: str) -> str:
    """`text` with `key = value` in the first span of `section` (made if absent): an
    existing line of that key is replaced, else the line ends the section's keys."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = f"{key} = {value}\n"
    spans = _spans(lines, section)
    if not spans:
        gap = ["\n"] if lines and lines[-1].strip() else []
        return "".join([*lines, *gap, f"[{section.header()}]\n", entry])
    start, end = spans[0]
    existing = _key_lines(lines, start, end, {key})
    if existing:
        lines[existing[0] : existing[-1] + 1] = [entry]
    else:
        last = max([start, *(i for i in range(start + 1, end) if lines[i].strip())])
        lines.insert(last + 1, entry)
    return "".join(lines)


class Unchanged(ConfigError):
    """A file could not be written, and none was changed."""


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _cannot_write(path: Path, exc: OSError) -> Unchanged:
    return Unchanged(f"cannot write {path}: {_reason(exc)}; nothing was changed")


def _stale(target: Path) -> Iterator[Path]:
    """Temporary files of `target` that a killed run left behind."""
    name = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]+\.new")
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            if name.fullmatch(entry.name):
                yield entry


@contextlib.contextmanager
def locked(config: Path, *others: Path) -> Iterator[None]:
    """Hold the lock of the AWS files (`.config.lock` beside the config) while they are read
    and rewritten: parallel edits run one after another, none lost. Holding it, no other
    edit is under way, so temporary files of these files left by a killed one are deleted."""
    target = config.resolve()
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(
            target.parent / f".{target.name}.lock",
            os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o600,
        )
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for path in (target, *(p.resolve() for p in others)):
            for stale in _stale(path):
                with contextlib.suppress(OSError):
                    stale.unlink()
        yield
    finally:
        os.close(fd)


def _temporary(target: Path, text: str, private: bool) -> Path:
    """`text` in a new file beside `target`, with its mode and group (0600 when new; no
    group or other bits when `private`), flushed to disk."""
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    mode = stat.S_IMODE(info.st_mode) if info else 0o600
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".new")
    temporary = Path(name)
    try:
        os.fchmod(fd, mode & 0o700 if private else mode)
        if info is not None:
            owner = info.st_uid if os.geteuid() == 0 else -1
            with contextlib.suppress(PermissionError):  # a group the user is not in
                os.fchown(fd, owner, info.st_gid)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if fd >= 0:
            os.close(fd)
        temporary.unlink()
        raise
    return temporary


@dataclass(frozen=True)
class Edit:
    path: Path
    text: str
    private: bool = False  # the new text holds a secret the file did not


@contextlib.contextmanager
def rewriting(edits: Sequence[Edit]) -> Iterator[list[Path]]:
    """Each edit's text in a temporary file beside its file (a symbolic link is followed),
    yielded for checks; when the block ends, the temporaries are renamed over their files
    in the order given, with no signal taken between the renames. On any failure, in the
    block or before it, every temporary is deleted and no file changed. Put the edit whose
    temporary holds secrets first: it is renamed first, so it never outlives the run."""
    made: list[Path] = []
    try:
        for edit in edits:
            target = edit.path.resolve()
            try:
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                made.append(_temporary(target, edit.text, edit.private))
            except OSError as exc:
                raise _cannot_write(target, exc) from None
        yield made
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            for done, (edit, temporary) in enumerate(zip(edits, made, strict=True)):
                try:  # EBUSY: a file bind-mounted on its own (a container's) is not replaced
                    temporary.replace(edit.path.resolve())
                except OSError as exc:
                    if not done:
                        raise _cannot_write(edit.path, exc) from None
                    raise ConfigError(
                        f"cannot write {edit.path}: {_reason(exc)}; {edits[0].path} was "
                        "written already: run the command again once the file can be written"
                    ) from None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    except BaseException:
        for temporary in made:
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise
