"""One child of `each`: started in its own process group (so Ctrl-C reaches it once, from
us), stdin from /dev/null, stdout and stderr read as whole lines."""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from awsmfa_exec.errors import launch_failure

MAX_LINE = 64 * 1024  # an unfinished line past this size is passed on in pieces
_READ = 64 * 1024
# Its own process group: `process_group` from Python 3.11, before that a setpgid in the child.
_OWN_GROUP: dict[str, Any] = (
    {"process_group": 0} if sys.version_info >= (3, 11) else {"preexec_fn": os.setpgrp}
)

# (stream, bytes of whole lines, each ending in a newline)
Lines = Callable[[int, bytes], None]


def check_command(command: Sequence[str], environ: Mapping[str, str]) -> None:
    """The errors `exec` would give for COMMAND, before any credentials are asked for."""
    name = command[0]
    if shutil.which(name, path=environ.get("PATH", os.defpath)) is not None:
        return
    if os.sep in name and Path(name).exists():
        raise launch_failure(name, PermissionError())
    raise launch_failure(name, None)


def start(command: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            list(command),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **_OWN_GROUP,
        )
    except OSError as exc:
        raise launch_failure(command[0], exc) from None


class _Stream:
    def __init__(self, number: int, prefix: bytes, emit: Lines) -> None:
        self.number, self.prefix, self.emit = number, prefix, emit
        self.pending = b""

    def feed(self, chunk: bytes) -> None:
        data = self.pending + chunk
        cut = data.rfind(b"\n") + 1
        block, rest = data[:cut], data[cut:]
        while len(rest) > MAX_LINE:
            block, rest = block + rest[:MAX_LINE] + b"\n", rest[MAX_LINE:]
        self.pending = rest
        if block:
            self._send(block)

    def end(self) -> None:
        if self.pending:
            self._send(self.pending + b"\n")
            self.pending = b""

    def _send(self, block: bytes) -> None:
        if self.prefix:
            block = b"".join(self.prefix + line for line in block.splitlines(keepends=True))
        self.emit(self.number, block)


def pump(process: subprocess.Popen[bytes], prefix: bytes, emit: Lines) -> int:
    """Pass the child's output on, line by line, until it exits; its exit status. A grandchild
    that keeps a pipe open after that is not waited for."""
    selector = selectors.DefaultSelector()
    for number, pipe in ((1, process.stdout), (2, process.stderr)):
        if pipe is not None:
            selector.register(pipe, selectors.EVENT_READ, _Stream(number, prefix, emit))
    with selector:
        while selector.get_map():
            exited = process.poll() is not None
            ready = selector.select(timeout=0 if exited else 0.5)
            if exited and not ready:
                break
            for key, _ in ready:
                stream: _Stream = key.data
                chunk = os.read(key.fd, _READ)
                if chunk:
                    stream.feed(chunk)
                else:
                    selector.unregister(key.fileobj)
                    stream.end()
        for key in list(selector.get_map().values()):
            key.data.end()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    return process.wait()
