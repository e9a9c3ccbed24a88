"""What to tell people whose AWS files do not say what they meant.

A file configparser cannot read gets the line that is really wrong, its text with any
secret redacted, and the reason; a profile name that is not found gets a did-you-mean, and
a `[dev]` section in the config file (which the AWS tools read as nothing) gets a hint to
call it `[profile dev]` (and `[profile dev]` in the credentials file, `[dev]`). Only error
paths come here.
"""

from __future__ import annotations

import configparser
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

_HEADER = re.compile(r"\s*\[.*\]\s*([#;].*)?\Z")
_KEY_VALUE = re.compile(r"(\s*[^=:\s][^=:]*?\s*[=:]\s*)(.*)\Z")
_SECRET_KEY = re.compile(r"secret|token|password|passphrase|credential", re.IGNORECASE)
# A word that may be a key or secret: 16 or more characters, some upper case, digits, / or +.
_LONG_WORD = re.compile(r"(?=[a-z_=-]*[A-Z0-9/+])[A-Za-z0-9/+=_-]{16,}")
_SHOWN = 80


def redacted(line: str) -> str:
    """`line` as it may be shown: secret values and anything that looks like a key masked."""
    line = line.rstrip("\r\n")
    match = _KEY_VALUE.match(line)
    if match and _SECRET_KEY.search(match.group(1)) and match.group(2):
        line = match.group(1) + "****"
    line = _LONG_WORD.sub("****", line)
    return line if len(line) <= _SHOWN else line[: _SHOWN - 1] + "…"


def _unclosed_header(lines: list[str], before: int) -> int | None:
    """The first line (1-based) up to `before` that opens a section and does not close it."""
    for number, line in enumerate(lines[:before], start=1):
        if line.lstrip().startswith("[") and not _HEADER.match(line):
            return number
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, configparser.DuplicateOptionError):
        return f"{error.option!r} is set twice in [{error.section}]"
    if isinstance(error, configparser.DuplicateSectionError):
        return f"[{error.section}] appears twice"
    if isinstance(error, configparser.MissingSectionHeaderError):
        return "a setting before any [section] header"
    return "not a [section] header, a `key = value` line or a comment"


def _line_of(error: BaseException) -> int | None:
    lineno = getattr(error, "lineno", None)
    if lineno is None and isinstance(error, configparser.ParsingError) and error.errors:
        lineno = error.errors[0][0]
    return lineno if isinstance(lineno, int) else None


def parse_problem(path: Path, error: BaseException) -> str:
    """Where and why `path` could not be parsed: `line 5 ([profile dev): reason`."""
    if isinstance(error, UnicodeDecodeError):
        return f"it is not UTF-8 text (byte {error.start})"
    lineno = _line_of(error)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    unclosed = _unclosed_header(lines, lineno or len(lines))
    if unclosed is not None:
        lineno, reason = unclosed, "a [section] header without its closing ]"
    elif lineno is None:
        return "it is not an INI file"
    else:
        reason = _reason(error)
    if lineno is None or not 0 < lineno <= len(lines):
        return f"line {lineno}: {reason}"
    return f"line {lineno} ({redacted(lines[lineno - 1]).strip()}): {reason}"


def setting_without_equals(path: Path, key: str) -> str:
    """Where `key` (configparser's reading of `role_arn arn:…`, split at its first `:`) is."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    start = re.compile(rf"\s*{re.escape(key)}\s*[:=]", re.IGNORECASE)
    number = next((n for n, line in enumerate(lines, start=1) if start.match(line)), None)
    shown = f" ({redacted(lines[number - 1]).strip()})" if number else ""
    return f"line {number}{shown}: a setting without '='; write it {key.split(maxsplit=1)[0]} = …"


def missing_profile_hints(
    name: str, known: Iterable[str], config_sections: Iterable[str],
    credentials_sections: Iterable[str] = (),
) -> str:  # fmt: skip
    """`; did you mean 'dev'?`, or the hint for a header the file does not read as `name`:
    `[dev]` in the config file, `[profile dev]` in the credentials file."""
    if name in set(config_sections) and name != "default":
        return f"; [{name}] in the config file is not read as a profile: name it [profile {name}]"
    if f"profile {name}" in set(credentials_sections):
        return (
            f"; [profile {name}] in the credentials file is not read as a profile: name it "
            f"[{name}] (the credentials file takes no 'profile' in its headers)"
        )
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
