"""Stopping a test's session agent, so none outlives the test that started it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path

from awsmfa_exec.agent import client
from awsmfa_exec.agent.protocol import ProtocolError


def agent_pid(sock: Path) -> int | None:
    with contextlib.suppress(OSError, ProtocolError):
        status = client.request(sock, {"op": "status"})
        if status is not None:
            return int(status["pid"])
    return None


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for init to reap it counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def wait_gone(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.01)
    return False


def stop_agent(sock: Path) -> None:
    """Ask the agent at `sock` to stop; kill it if it will not; wait until it is gone."""
    pid = agent_pid(sock)
    if pid is None:
        return
    with contextlib.suppress(OSError, ProtocolError):
        client.request(sock, {"op": "stop"})
    if not wait_gone(pid):
        os.kill(pid, signal.SIGKILL)


def code_for_planted_need(need: dict[str, object], environ: dict[str, str]) -> object:
    """The code a client answering for profile dev gives an agent that sends `need` (a
    need_code that may name commands or prompts, as an old or a fake agent might)."""
    import threading

    from awsmfa_exec.agent.protocol import receive, send
    from awsmfa_exec.mfa import Prompting
    from awsmfa_exec.request import Request

    mine, agents = socket.socketpair()
    got: list[object] = []

    def agent() -> None:
        send(agents, {"type": "need_code", "serial": "arn:mfa", "profile": "dev", **need})
        got.append((receive(agents) or {}).get("code"))
        send(agents, {"type": "error", "kind": "AuthError", "message": "done"})

    thread = threading.Thread(target=agent)
    thread.start()
    talk = client._Conversation(mine, Request("dev"), environ, Prompting(environ))
    try:
        talk.answer_code(talk.next())
    finally:
        thread.join(timeout=10)
        mine.close()
        agents.close()
    return got[0] if got else None
