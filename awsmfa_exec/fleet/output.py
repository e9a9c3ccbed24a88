"""Where the children's output goes: whole lines to our stdout/stderr (prefixed with the
profile, or raw), or one file a profile; and the progress line on a terminal.

One lock for every write, so lines from different children never mix inside a line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from awsmfa_exec.errors import UsageError

STDOUT, STDERR = 1, 2
_WIPE = b"\r\x1b[K"


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0
    running: int = 0


class Terminal:
    """Our own stdout and stderr, shared by every child; a progress line on stderr when it
    is a terminal."""

    def __init__(self, total: int, *, progress: bool, only_stderr: bool) -> None:
        self.progress = Progress(total) if progress else None
        self.only_stderr = only_stderr
        self._lock = threading.Lock()
        self._broken: set[int] = set()

    def _write(self, fd: int, data: bytes) -> None:
        if fd in self._broken:
            return
        try:
            write_all(fd, data)
        except BrokenPipeError:  # `| head`: the reader is gone; the run goes on
            self._broken.add(fd)

    def lines(self, stream: int, data: bytes) -> None:
        """Whole lines from a child's `stream` (STDOUT or STDERR)."""
        fd = STDERR if self.only_stderr else stream
        with self._lock:
            if self.progress is not None:
                self._write(STDERR, _WIPE)
            self._write(fd, data)
            self._draw()

    def update(self, *, started: int = 0, exited: int = 0, done: int = 0, failed: int = 0) -> None:
        with self._lock:
            if self.progress is None:
                return
            self.progress.running += started - exited
            self.progress.done += done
            self.progress.failed += failed
            self._draw()

    def _draw(self) -> None:
        if (p := self.progress) is not None:
            line = f"awsmfa each: {p.done}/{p.total} done, {p.failed} failed, {p.running} running"
            self._write(STDERR, _WIPE + line.encode())

    def close(self) -> None:
        """Wipe the progress line, for the summary."""
        with self._lock:
            if self.progress is not None:
                self._write(STDERR, _WIPE)
                self.progress = None


def file_name(profile: str) -> str:
    """A file name for a profile, one a profile: anything unusual (a leading `.`, `%`
    itself) becomes `%XX`, so `acct/x` and `acct_x` stay apart."""
    from urllib.parse import quote

    name = quote(profile, safe="@+=,")
    return f"%2E{name[1:]}" if name.startswith(".") else name


def prepare_dir(path: str) -> Path:
    """The folder, made 0700 if missing; refused unless only the user can write in it."""
    folder = Path(path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = folder.stat()
    except OSError as exc:
        raise UsageError(f"cannot create --output-dir {path}: {exc.strerror}") from None
    if not stat.S_ISDIR(found.st_mode):
        raise UsageError(f"--output-dir {path} is not a directory")
    if found.st_uid != os.geteuid():
        raise UsageError(
            f"--output-dir {path} is owned by uid {found.st_uid}, not you: use a folder of your own"
        )
    if found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UsageError(f"--output-dir {path} is writable by others: chmod go-w {path}")
    return folder


class OutputFile:
    """One profile's output, both streams as they come, unprefixed; readable by the user only.
    A regular file an earlier run left is replaced; anything else is refused."""

    def __init__(self, folder: Path, profile: str) -> None:
        self.path = folder / f"{file_name(profile)}.log"
        # O_NONBLOCK: opening a FIFO must not wait for a reader; no O_TRUNC before fstat.
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            self._fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            why = "not a regular file" if exc.errno in (errno.ENXIO, errno.ELOOP) else exc.strerror
            raise UsageError(f"cannot write {self.path}: {why}") from None
        if not stat.S_ISREG(os.fstat(self._fd).st_mode):
            self.close()
            raise UsageError(f"cannot write {self.path}: not a regular file")
        os.set_blocking(self._fd, True)
        os.ftruncate(self._fd, 0)
        os.fchmod(self._fd, 0o600)

    def lines(self, stream: int, data: bytes) -> None:
        write_all(self._fd, data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
