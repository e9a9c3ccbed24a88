"""Every awsmfa process that may hold a secret dumps no core and refuses its own user's
ptrace-style reads (/proc/PID/mem, environ), from its first line on: at the MFA prompt, and
`each` while its children run. Run as nobody, since root passes every such check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import run
from tests.support.fleet import write_fleet
from tests.support.other_uid import OtherUid
from tests.support.sts_server import Moto
from tests.support.terminal import Terminal

# What an `each` child says of its parent, the `each` process that holds every profile's keys.
PEEK = (
    "import os\n"
    "parent = os.getppid()\n"
    "try:\n"
    "    open(f'/proc/{parent}/mem', 'rb').close()\n"
    "    print('parent mem: opened')\n"
    "except PermissionError:\n"
    "    print('parent mem: refused')\n"
    "with open(f'/proc/{parent}/limits') as limits:\n"
    "    print(' '.join(next(l for l in limits if l.startswith('Max core')).split()))\n"
)


def home_of(other_uid: OtherUid, aws_files: AwsFiles, shared_dir: Path) -> dict[str, str]:
    """The AWS files in a home of the other uid's, and an environment that uses them."""
    home = shared_dir / "home"
    shutil.copytree(aws_files.config.parent.parent, home)
    for path in (home, *home.rglob("*")):
        os.chown(path, other_uid.uid, other_uid.uid)
    return {
        **os.environ,
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWSMFA_AGENT": "off",
    }


def test_a_child_of_each_cannot_read_its_memory(
    moto: Moto, aws_files: AwsFiles, other_uid: OtherUid, shared_dir: Path
) -> None:
    write_fleet(aws_files, 1)
    env = home_of(other_uid, aws_files, shared_dir)
    args = [other_uid.awsmfa, "each", "acct-000", "-t", CODE, "--no-prefix", "--"]
    result = run(
        ["prlimit", "--core=unlimited", *other_uid.command(*args, other_uid.python, "-c", PEEK)],
        env=env,
        cwd=Path("/"),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "parent mem: refused" in lines
    assert any(line.startswith("Max core file size 0 ") for line in lines), lines


def test_at_the_mfa_prompt_awsmfa_dumps_no_core(
    moto: Moto, aws_files: AwsFiles, other_uid: OtherUid, shared_dir: Path, terminal: Terminal
) -> None:
    """`ulimit -c unlimited`, then Ctrl-\\ at the prompt would have dumped the landing keys:
    the limit is 0 and the process is not dumpable (its /proc files turn root's)."""
    env = {**home_of(other_uid, aws_files, shared_dir), "AWS_ENDPOINT_URL": moto.url}
    args = [other_uid.awsmfa, "exec", "dev", "--", "true"]
    awsmfa = subprocess.Popen(
        ["setsid", "--ctty", "prlimit", "--core=unlimited", *other_uid.command(*args)],
        env=env,
        stdin=terminal.slave,
        stdout=terminal.slave,
        stderr=subprocess.PIPE,
        cwd="/",
    )
    try:
        terminal.read_until(b"MFA code for")
        limits = Path(f"/proc/{awsmfa.pid}/limits").read_text().splitlines()
        core = next(line for line in limits if line.startswith("Max core"))
        owner = Path(f"/proc/{awsmfa.pid}/environ").stat().st_uid
    finally:
        awsmfa.kill()
        awsmfa.communicate()
    assert core.split()[4] == "0", core  # the soft limit
    assert owner == 0, f"/proc/{awsmfa.pid} is uid {owner}'s: the process is dumpable"


def test_no_dumps_costs_no_library_search() -> None:
    """The hot path calls it on every run: ctypes' find_library would spawn ldconfig."""
    code = (
        "import subprocess, sys\n"
        "def refuse(*a, **k): raise SystemExit('spawned a process')\n"
        "subprocess.Popen = refuse\n"
        "from awsmfa_exec.agent.harden import no_dumps\n"
        "print(no_dumps())\n"
    )
    done = run([sys.executable, "-c", code])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'no_core_dumps': True, 'not_dumpable': True}"
