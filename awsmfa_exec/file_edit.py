"""Line-level edits of the AWS files that keep every other section, key and comment.

botocore's loader reads the files; these functions only change the lines awsmfa owns
(a profile's key lines, its keyring mark, its credential_process) and write the result
back atomically with the file's own mode: a temporary file beside it, then a rename.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

_HEADER = re.compile(r"^\s*\[\s*(?P<name>[^\]]*?)\s*\]\s*(?:[#;].*)?$")
_KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[^\s=#;\[][^=]*?)\s*=")


def config_sections(profile: str) -> tuple[str, ...]:
    """The section names ~/.aws/config may give `profile`, the one to create first."""
    if profile == "default":
        return ("default", "profile default")
    return (f"profile {profile}",)


def credentials_sections(profile: str) -> tuple[str, ...]:
    return (profile,)


def _spans(lines: list[str], names: tuple[str, ...]) -> list[tuple[int, int]]:
    """(header index, end index) of every section named one of `names`."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate(lines):
        header = _HEADER.match(line)
        if header is None:
            continue
        if start is not None:
            spans.append((start, index))
            start = None
        if header.group("name") in names:
            start = index
    if start is not None:
        spans.append((start, len(lines)))
    return spans


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
        if line.lstrip()[:1] in "#;" and not line[:1].isspace():
            current = None
        elif match and (not match.group("indent") or current is None):
            current = match.group("key").strip().lower()
        elif not line[:1].isspace():
            current = None
        if current in keys:
            found.append(index)
    return found


def remove_keys(text: str, names: tuple[str, ...], keys: set[str]) -> str:
    """`text` without the `keys` lines of the sections `names`; a section left with
    nothing but blank lines loses its header too."""
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    for start, end in _spans(lines, names):
        gone = set(_key_lines(lines, start, end, keys))
        drop |= gone
        if gone and all(not lines[i].strip() for i in range(start + 1, end) if i not in gone):
            drop |= set(range(start, end))
    return "".join(line for index, line in enumerate(lines) if index not in drop)


def value_of(text: str, names: tuple[str, ...], key: str) -> str | None:
    lines = text.splitlines()
    for start, end in _spans(lines, names):
        for index in _key_lines(lines, start, end, {key}):
            match = _KEY.match(lines[index])
            if match:
                return lines[index][match.end() :].strip()
    return None


def set_key(text: str, names: tuple[str, ...], key: str, value: str) -> str:
    """`text` with `key = value` in the first section named one of `names` (made if absent):
    an existing line of that key is replaced, else the line ends the section's keys."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = f"{key} = {value}\n"
    spans = _spans(lines, names)
    if not spans:
        gap = ["\n"] if lines and lines[-1].strip() else []
        return "".join([*lines, *gap, f"[{names[0]}]\n", entry])
    start, end = spans[0]
    existing = _key_lines(lines, start, end, {key})
    if existing:
        lines[existing[0] : existing[-1] + 1] = [entry]
        return "".join(lines)
    last = max([start, *(i for i in range(start + 1, end) if lines[i].strip())])
    lines.insert(last + 1, entry)
    return "".join(lines)


def replace_file(path: Path, text: str) -> None:
    """Write `text` over `path` atomically, with its mode (0600 when new).

    The new content goes to a temporary file in the same folder, which is renamed over the
    file; a symbolic link is followed, so the file it points at is the one replaced.
    """
    target = path.resolve()
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(info.st_mode) if info else 0o600
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".new")
    try:
        os.fchmod(fd, mode)
        if info is not None and os.geteuid() == 0:
            os.fchown(fd, info.st_uid, info.st_gid)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
