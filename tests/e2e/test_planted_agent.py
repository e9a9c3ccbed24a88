"""Another user plants a listening socket where awsmfa looks for its agent: it gets nothing.

The attacker is a real second uid (65534, through `setpriv`) running a fake agent that
records every byte it receives and answers with bait (a command to run, escape codes). The
victim is the test's own uid running the installed awsmfa. In every place the socket can
live, the planted agent must receive zero bytes, and `exec` must still work through STS.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, ROOT, run
from tests.support.sts_server import Moto

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"  # any uid can run it, wherever the checkout lives
FAKE = Path(__file__).resolve().parent.parent / "support" / "planted_agent.py"
RAN = Path("/tmp/awsmfa-planted-ran")  # what the bait's command would create


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "switching to a second uid needs root"
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} (the attacker's interpreter) is not installed"
    return None


pytestmark = [pytest.mark.e2e, pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]

# Runs the attacker as uid 65534, waits until it listens, runs the victim, stops the attacker.
# With PRIVATE_TMP set it first gives itself a /tmp of its own (a mount namespace): the
# default socket place is /tmp/awsmfa-<uid>, which the machine's real agent may be using.
DRIVER = r"""
set -eu
if [ -n "${PRIVATE_TMP:-}" ]; then
  mount --bind /tmp "$PRIVATE_TMP"
  mount -t tmpfs -o mode=1777 awsmfa-private-tmp /tmp
  for keep in $KEEP_IN_TMP; do
    mkdir -p "/tmp/$keep"
    mount --bind "$PRIVATE_TMP/$keep" "/tmp/$keep"
  done
fi
record=$1; shift
setpriv --reuid=65534 --regid=65534 --clear-groups "$@" &
attacker=$!
tries=0
until [ -s "$record.ready" ]; do
  tries=$((tries + 1))
  [ "$tries" -lt 400 ] || { echo "the planted agent never listened" >&2; exit 99; }
  sleep 0.05
done
set +e
"$VICTIM" exec dev -t "$CODE" -- sh -c 'echo "$AWS_ACCESS_KEY_ID"'
status=$?
kill "$attacker"
exit "$status"
"""


@dataclass
class Attack:
    home: Path  # a directory the attacker owns and any uid can read
    record: Path

    def received(self) -> dict[str, int]:
        if not self.record.exists():
            return {"connections": 0, "bytes": 0}
        counts: dict[str, int] = json.loads(self.record.read_text())
        return counts


@pytest.fixture
def attack() -> Iterator[Attack]:
    public = Path(tempfile.mkdtemp(prefix="awsmfa-planted-", dir="/tmp"))
    public.chmod(0o755)
    home = public / "attacker"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    shutil.copy(FAKE, public / FAKE.name)
    (public / FAKE.name).chmod(0o644)
    RAN.unlink(missing_ok=True)
    try:
        yield Attack(home, home / "record")
    finally:
        shutil.rmtree(public)


def fake_agent(attack: Attack, *args: str) -> list[str]:
    return [SYSTEM_PYTHON, "-I", str(attack.home.parent / FAKE.name), *args, str(attack.record)]


def victim_env(**changes: str | None) -> dict[str, str]:
    env = {**os.environ, "VICTIM": AWSMFA, "CODE": CODE}
    for key, value in changes.items():
        env.pop(key, None)
        if value is not None:
            env[key] = value
    return env


def attacked(
    attack: Attack, env: dict[str, str], argv: list[str], *, pass_fd: socket.socket | None = None
) -> subprocess.CompletedProcess[str]:
    command = ["sh", "-c", DRIVER, "driver", str(attack.record), *argv]
    if env.get("PRIVATE_TMP"):
        command = ["unshare", "--mount", "--propagation", "private", *command]
    fds = () if pass_fd is None else (pass_fd.fileno(),)  # setpriv passes it on
    return subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
        check=False,
        pass_fds=fds,
    )


def assert_untouched_and_served(
    attack: Attack, moto: Moto, result: subprocess.CompletedProcess[str], check: str
) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ASIA"), "exec did not run the command with credentials"
    assert attack.received()["bytes"] == 0
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
    [line] = result.stderr.splitlines()
    assert line.startswith("awsmfa: not using the agent: ")
    assert check in line
    assert line.endswith("; calling STS directly")
    assert not RAN.exists()


def test_the_default_place_in_tmp(moto: Moto, attack: Attack, tmp_path: Path) -> None:
    """No XDG_RUNTIME_DIR (sudo -u, cron, containers): the attacker makes /tmp/awsmfa-<uid>."""
    handle = Path(tempfile.mkdtemp(prefix="awsmfa-tmp-", dir="/dev/shm"))
    try:
        where = Path(f"/tmp/awsmfa-{os.getuid()}")
        # What the run needs from the real /tmp: the test's files, the attacker's, and the
        # checkout itself when it was cloned there (its awsmfa and interpreter).
        needed = [tmp_path, attack.home.parent, Path(AWSMFA).resolve(), ROOT, Path(sys.prefix)]
        keep = {path.parts[2] for path in needed if path.is_relative_to("/tmp")}
        env = victim_env(
            AWSMFA_AGENT_SOCK=None,
            XDG_RUNTIME_DIR=None,
            PRIVATE_TMP=str(handle),
            KEEP_IN_TMP=" ".join(sorted(keep)),
        )
        result = attacked(attack, env, fake_agent(attack, str(where / "agent.sock")))
        assert "mount" not in result.stderr, f"no private /tmp here: {result.stderr}"
    finally:
        handle.rmdir()
    assert_untouched_and_served(attack, moto, result, f"directory {where} belongs to uid 65534")


def test_xdg_runtime_dir_awsmfa(moto: Moto, attack: Attack, tmp_path: Path) -> None:
    """An XDG_RUNTIME_DIR others can write to (set by hand to a shared place)."""
    runtime = attack.home.parent / "run"
    runtime.mkdir()
    runtime.chmod(0o1777)
    env = victim_env(AWSMFA_AGENT_SOCK=None, XDG_RUNTIME_DIR=str(runtime))
    sock = runtime / "awsmfa" / "agent.sock"
    result = attacked(attack, env, fake_agent(attack, str(sock)))
    assert_untouched_and_served(attack, moto, result, f"directory {sock.parent} belongs to uid")
    assert sorted(p.name for p in sock.parent.iterdir()) == ["agent.sock"]


def test_agent_sock_in_a_directory_the_attacker_owns(moto: Moto, attack: Attack) -> None:
    sock = attack.home / "agent.sock"
    env = victim_env(AWSMFA_AGENT_SOCK=str(sock))
    result = attacked(attack, env, fake_agent(attack, str(sock)))
    assert_untouched_and_served(attack, moto, result, f"directory {attack.home} belongs to uid")
    assert "agent.sock" in {p.name for p in attack.home.iterdir()}
    assert not any(p.name.startswith("agent.sock.") for p in attack.home.iterdir())


def test_a_listener_of_another_uid_behind_our_own_socket(
    moto: Moto, attack: Attack, tmp_path: Path
) -> None:
    """Directory and socket file are ours; only SO_PEERCRED tells the listener is not."""
    private = tmp_path / "ours"
    private.mkdir(mode=0o700)
    sock_path = private / "agent.sock"
    bound = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with bound:
        bound.bind(str(sock_path))
        sock_path.chmod(0o600)
        env = victim_env(AWSMFA_AGENT_SOCK=str(sock_path))
        argv = fake_agent(attack, "--fd", str(bound.fileno()))
        result = attacked(attack, env, argv, pass_fd=bound)
    assert attack.received()["connections"] == 1, f"never connected: {result.stderr}"
    assert_untouched_and_served(attack, moto, result, "runs as uid 65534")


def test_agent_commands_refuse_a_planted_agent(attack: Attack) -> None:
    sock = attack.home / "agent.sock"
    env = victim_env(AWSMFA_AGENT_SOCK=str(sock))
    status = DRIVER.replace(
        """"$VICTIM" exec dev -t "$CODE" -- sh -c 'echo "$AWS_ACCESS_KEY_ID"'""",
        '"$VICTIM" agent status',
    )
    argv = ["sh", "-c", status, "driver", str(attack.record), *fake_agent(attack, str(sock))]
    result = run(argv, env=env)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("awsmfa: error: agent socket directory")
    assert attack.received()["bytes"] == 0
