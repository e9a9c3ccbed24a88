"""No secret touches the disk: every file syscall of a run, and every byte left behind.

Each command line of `AUDITED` runs under `strace -f` (awsmfa and the command it becomes)
against moto on loopback. The test fails on any file the run opened for writing, created,
renamed, truncated or removed, except /dev/*, the agent socket and its folder, and Python
bytecode. Then it reads the credentials the run handed out from its stdout (a pipe) and
searches every file under HOME, TMPDIR and the working directory for them.

A new path is covered by adding one line to `AUDITED`.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from pathlib import Path

import pytest

from awsmfa_exec import shells
from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA
from tests.support.proof import files_holding, record_audit
from tests.support.signin_server import TOKEN, SigninServer, signin_server
from tests.support.strace_audit import Audit, audit, traced_run
from tests.support.sts_server import Moto

__all__ = ["signin_server"]  # the fixture, for the login audit below

PRINT_ENV = ("--", "env")
# What an SDK does in an `exec --server` child: ask the endpoint, here printing the answer.
FETCH = (
    "import os, urllib.request as u; "
    "r = u.Request(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'], "
    "headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']}); "
    "print(u.urlopen(r, timeout=10).read().decode())"
)
AUDITED = {
    "exec, one hop, aws CLI": ("exec", "dev", "-t", CODE, "--", "sh", "-c", "env && aws sts get-caller-identity"),  # noqa: E501
    "exec, two hops": ("exec", "deep", "-t", CODE, *PRINT_ENV),
    "exec --no-session": ("exec", "dev", "--no-session", "-t", CODE, *PRINT_ENV),
    "exec, keys-only profile": ("exec", "landing", "-t", CODE, *PRINT_ENV),
    "exec --debug": ("--debug", "exec", "dev", "-t", CODE, *PRINT_ENV),
    "list, status --verify inside exec": ("exec", "dev", "-t", CODE, "--", "sh", "-c", "env && awsmfa list && awsmfa status --verify"),  # noqa: E501
    **{f"env --shell {shell}": ("env", "dev", "-t", CODE, "-s", shell) for shell in shells.names()},
    "exec, no agent": ("AWSMFA_AGENT=off", "exec", "dev", "-t", CODE, *PRINT_ENV),
    "exec, two hops, no agent": ("AWSMFA_AGENT=off", "exec", "deep", "-t", CODE, *PRINT_ENV),
    "env, no agent": ("AWSMFA_AGENT=off", "env", "dev", "-t", CODE, "-s", "bash"),
    "exec --server": ("exec", "dev", "--server", "-t", CODE, "--", sys.executable, "-c", FETCH),
    "exec --server, no agent": ("AWSMFA_AGENT=off", "exec", "dev", "--server", "-t", CODE, "--", sys.executable, "-c", FETCH),  # noqa: E501
}  # fmt: skip

_SECRET = re.compile(r"(?:AWS_SECRET_ACCESS_KEY|SecretAccessKey)\W+([A-Za-z0-9/+=]{16,})")
_TOKEN = re.compile(r"(?:AWS_SESSION_TOKEN|SessionToken|\"Token\")\W+([A-Za-z0-9/+=]{16,})")


def handed_out(stdout: str) -> list[str]:
    """The secret access key and session token a run printed, in whatever format."""
    found = [m.group(1) for m in (*_SECRET.finditer(stdout), *_TOKEN.finditer(stdout))]
    assert len(set(found)) == 2, f"expected one secret and one token in: {stdout!r}"
    return sorted(set(found))


def run_audited(args: tuple[str, ...], tmp_path: Path) -> tuple[Audit, str]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    trace = tmp_path / "strace.log"  # outside HOME, TMPDIR and the working directory
    settings = list(itertools.takewhile(lambda arg: re.match(r"[A-Z_]+=", arg), args))
    env = {**os.environ, **dict(setting.split("=", 1) for setting in settings)}
    result = traced_run([AWSMFA, *args[len(settings) :]], trace, env, work)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    agent = Path(os.environ["AWSMFA_AGENT_SOCK"])
    return audit(trace, allowed=[agent, agent.parent]), result.stdout


@pytest.mark.parametrize("name", list(AUDITED))
def test_a_run_writes_no_file_and_leaves_no_secret(name: str, moto: Moto, tmp_path: Path) -> None:
    found, stdout = run_audited(AUDITED[name], tmp_path)
    record_audit(found.traced, found.written, found.allowed)
    sys.stderr.write(
        f"\nawsmfa audit [{name}]: {len(found.traced)} paths traced, "
        f"{len(found.written)} written {sorted(found.written)}\n"
    )
    assert found.written == set()
    assert len(found.traced) > 100  # the interpreter, awsmfa, botocore, the AWS files
    assert any(path.endswith("/.aws/credentials") for path in found.traced)
    secrets = handed_out(stdout)
    roots = [Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]), tmp_path / "work"]
    assert files_holding(secrets, *roots) == []


def test_login_writes_no_file_and_leaves_no_secret(
    moto: Moto, signin_server: SigninServer, tmp_path: Path
) -> None:
    """The credentials go to the federation endpoint, the sign-in URL to stdout; no file."""
    found, stdout = run_audited(("login", "dev", "--print", "-t", CODE), tmp_path)
    record_audit(found.traced, found.written, found.allowed)
    assert found.written == set()
    assert TOKEN in stdout
    session = json.loads(signin_server.requests[-1].query["Session"][0])
    secrets = [session["sessionKey"], session["sessionToken"], TOKEN]
    roots = [Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]), tmp_path / "work"]
    assert files_holding(secrets, *roots) == []


def test_the_audit_sees_a_write_and_the_scan_a_leak(moto: Moto, tmp_path: Path) -> None:
    """The two checks above can fail: a child that saves its secret is caught by both."""
    leak = 'env && printf %s "$AWS_SESSION_TOKEN" > "$HOME/leak" && mv "$HOME/leak" "$HOME/kept"'
    found, stdout = run_audited(("exec", "dev", "-t", CODE, "--", "sh", "-c", leak), tmp_path)
    home = os.environ["HOME"]
    assert found.written == {f"{home}/leak", f"{home}/kept"}
    assert files_holding(handed_out(stdout), Path(home)) == [f"{home}/kept"]
