"""No secret in any process's command line, nor in --debug output, even when things fail."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.aws_files import CODE, LANDING_SECRET
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.fault_sts import ISSUED, FaultSts
from tests.support.sts_server import Moto

PRINT_AND_WAIT = 'printf "%s\\n%s\\n" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"; read _'
WAITING = {
    "exec, one hop": ("exec", "dev", "-t", CODE),
    "exec, two hops": ("exec", "deep", "-t", CODE),
    "exec --no-session": ("exec", "dev", "--no-session", "-t", CODE),
}


def command_lines() -> dict[int, bytes]:
    lines = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "cmdline").read_bytes()
            except OSError:
                continue  # the process ended while we looked
    return lines


@pytest.mark.parametrize("name", list(WAITING))
def test_no_secret_in_any_command_line_while_the_child_runs(name: str, moto: Moto) -> None:
    command = [AWSMFA, *WAITING[name], "--", "sh", "-c", PRINT_AND_WAIT]
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        secrets = [child.stdout.readline().strip(), child.stdout.readline().strip()]
        assert all(len(s) >= 16 for s in secrets), secrets
        lines = command_lines()
        assert PRINT_AND_WAIT.encode() in lines[child.pid]  # awsmfa became the waiting child
        leaks = [pid for pid, line in lines.items() if any(s.encode() in line for s in secrets)]
        assert leaks == []
        environ = (Path("/proc") / str(child.pid) / "environ").read_bytes()
        assert secrets[0].encode() in environ  # where they are, by design: the child's env
        if os.geteuid() == 0:  # another user may not read that environment
            other = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat",
                         f"/proc/{child.pid}/environ"])  # fmt: skip
            assert other.returncode != 0
            assert "Permission denied" in other.stderr
    finally:
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == 0


DEBUG_RUNS = {
    "exec --debug": (("--debug", "exec", "dev", "-t", CODE, "--", "env"), "ok", 0),
    "env --debug": (("--debug", "env", "deep", "-t", CODE, "-s", "sh"), "ok", 0),
    "AWSMFA_DEBUG=1 exec": (("exec", "dev", "--no-session", "-t", CODE, "--", "env"), "ok", 0),
    "--debug, MFA rejected": (("--debug", "exec", "dev", "-t", CODE, "--", "env"), "mfa-rejected", 4),  # noqa: E501
    "--debug, bad keys": (("--debug", "exec", "dev", "-t", CODE, "--", "env"), "expired-token", 4),
    "--debug, malformed answer": (("--debug", "env", "dev", "-t", CODE), "malformed", 5),
}  # fmt: skip


@pytest.mark.parametrize("name", list(DEBUG_RUNS))
def test_debug_output_holds_no_secret(name: str, fault_sts: FaultSts) -> None:
    args, scenario, exit_code = DEBUG_RUNS[name]
    env = {**os.environ, "AWS_ENDPOINT_URL": fault_sts.url(scenario), "AWSMFA_DEBUG": "1"}
    result = awsmfa(*args, env=env)
    assert result.returncode == exit_code, result.stderr
    assert "awsmfa: debug: " in result.stderr
    secrets = [LANDING_SECRET] + [secret for _, secret in ISSUED.values()]
    secrets.append("FaultToken")  # the start of every session token the server issues
    assert [s for s in secrets if s in result.stderr] == []
    if exit_code == 0:
        assert ISSUED["AssumeRole"][1] in result.stdout  # the credentials went to stdout only
