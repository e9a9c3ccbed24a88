"""Where the children's output goes: whole lines to our stdout/stderr (prefixed with the
profile, or raw), or one file a profile; and the progress line on a terminal.

Every write goes through one lock, so lines from different children never mix inside a
line, and the progress line is wiped before output and drawn again after it.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from awsmfa_exec.errors import UsageError

STDOUT, STDERR = 1, 2
_WIPE = b"\r\x1b[K"
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=,-]")


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

    def line(self) -> bytes:
        return (
            f"awsmfa each: {self.done}/{self.total} done, {self.failed} failed, "
            f"{self.running} running".encode()
        )


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
        if self.progress is not None:
            self._write(STDERR, _WIPE + self.progress.line())

    def close(self) -> None:
        """Wipe the progress line, for the summary."""
        with self._lock:
            if self.progress is not None:
                self._write(STDERR, _WIPE)
                self.progress = None


def file_name(profile: str) -> str:
    """A file name for a profile: anything unusual becomes `_`."""
    name = _UNSAFE.sub("_", profile)
    return f"_{name}" if name.startswith(".") else name


def prepare_dir(path: str) -> Path:
    folder = Path(path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --output-dir {path}: {exc.strerror}") from None
    if not folder.is_dir():
        raise UsageError(f"--output-dir {path} is not a directory")
    return folder


class OutputFile:
    """One profile's output, both streams as they come, unprefixed; readable by the user only."""

    def __init__(self, folder: Path, profile: str) -> None:
        self.path = folder / f"{file_name(profile)}.log"
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            self._fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            raise UsageError(f"cannot write {self.path}: {exc.strerror}") from None

    def lines(self, stream: int, data: bytes) -> None:
        write_all(self._fd, data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
