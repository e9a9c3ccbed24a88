"""A fresh pseudo-terminal, and awsmfa started with it as its controlling terminal (util-linux
`setsid --ctty`), so /dev/tty is that terminal, as at a keyboard."""

from __future__ import annotations

import os
import select
import subprocess
import time
from dataclasses import dataclass

from tests.support.commands import AWSMFA, NO_METADATA


@dataclass
class Terminal:
    master: int
    slave: int

    def read_until(self, text: bytes, timeout: float = 30) -> bytes:
        seen = b""
        deadline = time.monotonic() + timeout
        while text not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r} on the terminal, only {seen!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                seen += os.read(self.master, 4096)
        return seen

    def stty(self) -> list[str]:
        done = subprocess.run(
            ["stty", "-a"], stdin=self.slave, capture_output=True, text=True, check=True
        )
        return done.stdout.split()


def on_terminal(
    term: Terminal,
    args: list[str],
    sts_url: str,
    stdout: int | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """awsmfa with the terminal as controlling tty, stdin and (unless given) stdout."""
    return subprocess.Popen(
        ["setsid", "--ctty", AWSMFA, *args],
        env={**(os.environ if env is None else env), "AWS_ENDPOINT_URL": sts_url, **NO_METADATA},
        stdin=term.slave,
        stdout=term.slave if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
    )
