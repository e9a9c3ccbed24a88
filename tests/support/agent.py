"""Stopping a test's session agent, so none outlives the test that started it."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from awsmfa_exec.agent import client


def agent_pid(sock: Path) -> int | None:
    with contextlib.suppress(OSError, client.ProtocolError):
        status = client.request(sock, {"op": "status"})
        if status is not None:
            return int(status["pid"])
    return None


def stop_agent(sock: Path) -> None:
    """Ask the agent at `sock` to stop; kill it if it will not; wait until it is gone."""
    pid = agent_pid(sock)
    if pid is None:
        return
    with contextlib.suppress(OSError, client.ProtocolError):
        client.request(sock, {"op": "stop"})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
