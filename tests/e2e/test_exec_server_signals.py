"""`awsmfa exec --server` as a parent: signals, exit status, nothing left running."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, ROOT, awsmfa
from tests.support.sts_server import Moto

CLIENT = ROOT / "tests" / "support" / "container_client.py"
SERVER_EXEC = [AWSMFA, "exec", "dev", "--server", "-t", CODE, "--"]
TRAPPING = 'trap \'echo "got $1"; exit 7\' "$1"; echo "ready $$"; sleep 300 & echo "left $!"; wait'


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*SERVER_EXEC, "sh", "-c", script, "sh", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def read_until(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(prefix), line
    return line.split()[1]


def gone(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1])
def test_a_signal_to_awsmfa_reaches_the_child(moto: Moto, signo: signal.Signals) -> None:
    process = start(TRAPPING, signo.name.removeprefix("SIG"))
    try:
        read_until(process, "ready")
        left = int(read_until(process, "left"))
        process.send_signal(signo)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert out == f"got {signo.name.removeprefix('SIG')}\n", err
    assert process.returncode == 7
    assert gone(left)  # the child's background sleep was ended with it


def test_exit_status_is_the_childs(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", "exit 9")
    assert result.returncode == 9


def test_a_child_killed_by_a_signal_gives_128_plus_n(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", "kill -TERM $$")
    assert result.returncode == 128 + signal.SIGTERM


def test_nothing_is_left_running(moto: Moto) -> None:
    script = "sleep 300 & echo $!; (sleep 300 & echo $!) ; exit 0"
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    pids = [int(pid) for pid in result.stdout.split()]
    assert len(pids) == 2
    assert all(gone(pid) for pid in pids)


def test_the_endpoint_is_closed_before_leftovers_are_ended(moto: Moto) -> None:
    """A process the command left behind asks for credentials on SIGTERM: nothing listens."""
    leftover = f'trap \'"{sys.executable}" "{CLIENT}"; exit 0\' TERM; while :; do sleep 0.05; done'
    script = 'sh -c "$0" & echo "$!"; exit 4'
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script, leftover, timeout=60
    )
    assert result.returncode == 4, result.stderr
    pid, answer = result.stdout.splitlines()
    assert answer == "unreachable ConnectionRefusedError"
    assert gone(int(pid))


def test_a_leftover_that_ignores_sigterm_is_killed(moto: Moto) -> None:
    script = "(trap '' TERM; sleep 300) & echo \"$!\""
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script, timeout=60)
    assert result.returncode == 0, result.stderr
    assert gone(int(result.stdout))


COUNT_SIGINT = """
import signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
print("ready", flush=True)
count = 0
while signal.sigtimedwait([signal.SIGINT], 2) is not None:
    count += 1
print(f"count={count}", flush=True)
sys.exit(3)
"""


def test_ctrl_c_at_the_terminal_reaches_the_child_once(moto: Moto) -> None:
    """The terminal signals the whole job; awsmfa must not send the child a second SIGINT."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pty
        env = {**os.environ, "AWSMFA_DEBUG": "1"}
        os.execve(AWSMFA, [*SERVER_EXEC, sys.executable, "-c", COUNT_SIGINT], env)  # noqa: S606
    output = b""
    deadline = time.monotonic() + 60
    sent = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            if not sent and b"ready" in output:
                os.write(fd, b"\x03")
                sent = True
    finally:
        os.close(fd)
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    assert sent, output
    assert b"count=1" in output, output
    assert b"SIGINT came from the terminal; the command has it already" in output
    assert os.waitstatus_to_exitcode(status) == 3
