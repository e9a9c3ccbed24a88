"""The `exec --server` parent holds secrets for the whole run: no core dump, no same-user
reads of its memory or descriptors, and an endpoint that idle connections cannot block."""

from __future__ import annotations

import os
import resource
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import AWSMFA, ROOT, run
from tests.support.other_uid import OtherUid
from tests.support.sts_server import Moto

FLOOD = str(ROOT / "tests" / "support" / "flood.py")
IDLE = 1500
REQUESTS = 20
HARD_FILES = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
# What the command prints about its parent (awsmfa) and itself.
LOOK_UP = (
    'grep -E "^Max (core file size|open files)" /proc/$PPID/limits; '
    'echo "own open files: $(ulimit -n)"; '
    'cat /proc/$PPID/environ >/dev/null 2>&1 && echo "parent environ: readable" '
    '|| echo "parent environ: refused"; '
    'ls /proc/$PPID/fd >/dev/null 2>&1 && echo "parent fds: readable" '
    '|| echo "parent fds: refused"; '
    'cat /proc/$$/environ >/dev/null 2>&1 && echo "own environ: readable"'
)


def test_the_parent_dumps_no_core_and_refuses_its_own_user(
    moto: Moto, aws_files: AwsFiles, other_uid: OtherUid, shared_dir: Path
) -> None:
    """Run as nobody: a process of awsmfa's own user, without root's override, cannot read
    the parent's environment or descriptors, while the command stays as readable as ever."""
    home = shared_dir / "home"
    shutil.copytree(aws_files.config.parent.parent, home)
    for path in (home, *home.rglob("*")):
        os.chown(path, other_uid.uid, other_uid.uid)
    env = {
        **os.environ,
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWSMFA_AGENT": "off",
    }
    args = [other_uid.awsmfa, "exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", LOOK_UP]
    result = run(other_uid.command(*args), env=env, cwd=Path("/"))
    assert result.returncode == 0, result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert any(line.startswith("Max core file size 0 ") for line in lines)  # soft limit
    assert "parent environ: refused" in lines  # PR_SET_DUMPABLE 0
    assert "parent fds: refused" in lines
    assert "own environ: readable" in lines  # the command itself is dumpable as usual


@pytest.mark.skipif(HARD_FILES < IDLE + 200, reason="the hard open files limit is too low")
def test_requests_are_answered_while_1500_idle_connections_are_held(moto: Moto) -> None:
    """With a soft limit of 1024 the endpoint used to stop accepting at about 1,020 idle
    connections. Each request below has a 1 s timeout; the flood reopens every connection
    the endpoint closes, so 1,500 stay open from the client's side throughout."""
    limits = f"--nofile=1024:{HARD_FILES}"
    awsmfa = ["prlimit", limits, AWSMFA, "exec", "dev", "--server", "-t", CODE, "--"]
    looked = run([*awsmfa, "sh", "-c", LOOK_UP])
    assert looked.returncode == 0, looked.stderr
    lines = [" ".join(line.split()) for line in looked.stdout.splitlines()]
    assert f"Max open files {HARD_FILES} {HARD_FILES} files" in lines  # raised for awsmfa
    assert "own open files: 1024" in lines  # and left as it was for the command
    flooded = run([*awsmfa, sys.executable, FLOOD, str(IDLE), str(REQUESTS)], timeout=120)
    assert flooded.returncode == 0, flooded.stdout + flooded.stderr
    assert flooded.stdout.startswith(f"answered {REQUESTS} of {REQUESTS} in median")
    assert f"; {IDLE} idle held" in flooded.stdout
    print(flooded.stdout.strip())
