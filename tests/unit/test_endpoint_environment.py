"""The child's environment under `exec --server`, and how a command is found and started."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timezone
from pathlib import Path

import pytest

from awsmfa_exec import environ as env_vars
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint import child
from awsmfa_exec.endpoint.run import KEY_VARIABLES, child_environment
from awsmfa_exec.errors import CommandNotExecutable, CommandNotFound

CREDS = Credentials("ASIAKEY", "secret", "token", datetime(2026, 1, 1, tzinfo=timezone.utc))
URL = "http://127.0.0.1:4242/credentials"


def test_endpoint_replaces_the_key_variables() -> None:
    parent = {
        **dict.fromkeys(env_vars.REMOVED, "old"),
        **dict.fromkeys(KEY_VARIABLES, "old"),
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
        "PATH": "/bin",
    }
    env = child_environment(parent, CREDS, "dev", "eu-central-1", URL, "tok")
    assert env == {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": URL,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWSMFA_PROFILE": "dev",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
        "PATH": "/bin",
    }


def test_no_region_sets_no_region_variables() -> None:
    env = child_environment({}, CREDS, "dev", None, URL, "tok")
    assert "AWS_REGION" not in env
    assert "AWS_DEFAULT_REGION" not in env


def test_a_missing_command_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(CommandNotFound, match="command not found: nothing-here"):
        child.spawn(["nothing-here"], {"PATH": str(tmp_path)}, set())


def test_a_plain_file_is_not_executable(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("echo hi\n")
    with pytest.raises(CommandNotExecutable, match="command is not executable: plain"):
        child.spawn(["plain"], {"PATH": str(tmp_path)}, set())


def test_the_command_is_searched_on_the_childs_path(tmp_path: Path) -> None:
    script = tmp_path / "only-here"
    script.write_text("#!/bin/sh\nexit 5\n")
    script.chmod(0o755)
    pid = child.spawn(["only-here"], {"PATH": f"/nonexistent:{tmp_path}"}, set())
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 5


def test_the_child_gets_default_sigpipe(tmp_path: Path) -> None:
    """Python ignores SIGPIPE; the command must not inherit that."""
    out = tmp_path / "out"
    pid = child.spawn(
        ["sh", "-c", f"grep SigIgn /proc/self/status > {out}"], {"PATH": os.defpath}, set()
    )
    os.waitpid(pid, 0)
    ignored = int(out.read_text().split()[1], 16)
    assert not ignored & (1 << (signal.SIGPIPE - 1))
