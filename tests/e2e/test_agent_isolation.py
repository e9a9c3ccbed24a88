"""What the agent lets out: nothing to another uid, nothing to disk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.support.agent import agent_pid, stop_agent
from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.other_uid import OtherUid
from tests.support.sts_server import Moto

# A client that prints what the agent answered to a status request, or why it got nothing.
ASK_STATUS = """
import socket, sys
from awsmfa_exec.agent.protocol import receive, send
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    sock.connect(sys.argv[1])
    send(sock, {"op": "status"})
    answer = receive(sock)
except OSError as exc:
    answer = type(exc).__name__
print("no answer" if answer is None else answer if isinstance(answer, str) else answer["pid"])
"""


def ask_status(sock: Path, python: list[str]) -> str:
    """The answer `python` (an interpreter's argv, maybe run as another uid) got from `sock`."""
    result = run([*python, "-B", "-c", ASK_STATUS, str(sock)], cwd=Path("/"))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_another_uid_cannot_reach_the_agent(
    moto: Moto, other_uid: OtherUid, shared_dir: Path
) -> None:
    sock = shared_dir / "agent" / "agent.sock"
    env = {**os.environ, "AWSMFA_AGENT_SOCK": str(sock)}
    try:
        result = awsmfa("exec", "dev", "-t", CODE, "--", "true", env=env)
        assert result.returncode == 0, result.stderr
        assert sock.parent.stat().st_mode & 0o077 == 0
        assert ask_status(sock, other_uid.command(other_uid.python)) == "PermissionError"
        assert ask_status(sock, [sys.executable]) == str(agent_pid(sock))
    finally:
        stop_agent(sock)


def test_agent_refuses_a_peer_of_another_uid(other_uid: OtherUid, shared_dir: Path) -> None:
    """The agent runs as nobody; root can pass the 0700 directory, so SO_PEERCRED decides."""
    home = shared_dir / "home"
    home.mkdir()
    os.chown(home, other_uid.uid, other_uid.uid)
    sock = home / "agent" / "agent.sock"
    start = [other_uid.python, "-B", "-m", "awsmfa_exec.agent", "--socket", str(sock)]
    started = run(other_uid.command(*start), cwd=Path("/"))
    assert started.returncode == 0, started.stderr
    pid = ""
    try:
        pid = ask_status(sock, other_uid.command(other_uid.python))
        assert pid.isdigit()
        # Closed unanswered: an EOF, or a reset because the request was left unread.
        refused = ask_status(sock, [sys.executable])
        assert refused in {"no answer", "ConnectionResetError", "BrokenPipeError"}
    finally:
        if pid.isdigit():
            subprocess.run(["kill", "-KILL", pid], check=False)


WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
PATH_ARG = re.compile(r'^\d+\s+(\w+)\((?:AT_FDCWD, |\d+, )?"([^"]*)"(.*)$')
ALWAYS_WRITES = {"creat", "rename", "renameat", "renameat2", "truncate", "mkdir", "unlink"}


def writes(trace: str) -> list[tuple[str, str]]:
    found = []
    for line in trace.splitlines():
        match = PATH_ARG.match(line)
        if not match:
            continue
        call, path, rest = match.groups()
        if call in ALWAYS_WRITES or (call in ("open", "openat") and WRITE_FLAGS.search(rest)):
            found.append((call, path))
    return found


def test_cold_exec_through_the_agent_writes_no_file(moto: Moto, tmp_path: Path) -> None:
    sock = Path(os.environ["AWSMFA_AGENT_SOCK"])
    trace = tmp_path / "trace"
    calls = "open,openat,creat,rename,renameat,renameat2,truncate,ftruncate,mkdir,unlink"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    args = ["strace", "-f", "-qq", "-o", str(trace), "-e", f"trace={calls}"]
    traced = subprocess.Popen(
        [*args, AWSMFA, "exec", "dev", "-t", CODE, "--", "true"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(1000):
            if moto.calls() == ["GetSessionToken", "AssumeRole"] and agent_pid(sock):
                break
            time.sleep(0.01)
        # The agent is traced too (strace -f): stopping it ends the trace.
        stop_agent(sock)
        assert traced.wait(timeout=60) == 0
    finally:
        if traced.poll() is None:
            traced.kill()
            traced.wait()
        assert traced.stderr is not None
        traced.stderr.close()
    text = trace.read_text()
    allowed = {str(sock), str(sock.parent)}
    unexpected = [
        (call, path)
        for call, path in writes(text)
        if path not in allowed and not path.startswith("/dev/")
    ]
    assert unexpected == []
    assert ("mkdir", str(sock.parent)) in writes(text)
