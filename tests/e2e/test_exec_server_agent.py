"""`exec --server` refreshing through the session agent, and the agent re-assuming a role
whose held credentials ran out, against moto. `AWSMFA_REFRESH_MARGIN=3600` with 900 s
credentials (`-d 900`) makes them count as near expiry at once, for the endpoint and the
agent alike."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.test_exec_server import CLIENT
from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, awsmfa
from tests.support.sts_server import Moto

NEAR_EXPIRY = {"AWSMFA_REFRESH_MARGIN": "3600"}
KEY_ID = ["printenv", "AWS_ACCESS_KEY_ID"]


def key_id(*args: str, env: dict[str, str] | None = None) -> str:
    """The access key id a plain `awsmfa exec ARGS -- printenv` hands its command."""
    result = awsmfa("exec", *args, "--", *KEY_ID, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_refreshes_cost_one_assume_role_and_share_the_agents_session(moto: Moto) -> None:
    env = {**os.environ, **NEAR_EXPIRY}
    served = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "-d", "900", "--", *CLIENT, "--times", "3", env=env
    )
    assert served.returncode == 0, served.stderr
    answers = [line.split(" ", 2) for line in served.stdout.splitlines()]
    assert [status for status, _, _ in answers] == ["200"] * 3
    assert len({key for _, key, _ in answers}) == 3
    assert moto.calls() == ["GetSessionToken", "AssumeRole"] + ["AssumeRole"] * 3
    # The endpoint's last credentials are the ones the agent holds for dev -d 900 ...
    assert key_id("dev", "-d", "900") == answers[-1][1]
    # ... and another role comes from the same MFA session: no code, no terminal.
    prod = awsmfa("exec", "prod", "--", "sh", "-c", 'echo "$AWSMFA_PROFILE"')
    assert (prod.returncode, prod.stdout) == (0, "prod\n"), prod.stderr
    calls = moto.calls()
    print("STS calls:", calls)
    assert calls == ["GetSessionToken"] + ["AssumeRole"] * 5
    assert calls.count("GetSessionToken") == 1


def test_agent_reassumes_a_role_that_ran_out_from_the_held_session(moto: Moto) -> None:
    first = key_id("dev", "-d", "900", "-t", CODE)
    assert key_id("dev", "-d", "900") == first  # held: no STS call
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
    # With a margin above their 900 s the held role credentials count as run out.
    renewed = key_id("dev", "-d", "900", env={**os.environ, **NEAR_EXPIRY})
    assert renewed != first
    assert key_id("dev", "-d", "900") == renewed  # the new ones replaced the old
    calls = moto.calls()
    print("STS calls:", calls)
    assert calls == ["GetSessionToken", "AssumeRole", "AssumeRole"]


def test_a_new_session_from_another_shell_lets_the_endpoint_refresh_again(moto: Moto) -> None:
    script = (
        f"{CLIENT[0]} {CLIENT[1]}; "
        f'"{AWSMFA}" clear; '  # the agent forgets the MFA session
        f"{CLIENT[0]} {CLIENT[1]}; "
        f'"{AWSMFA}" exec dev -d 900 -t {CODE} -- true; '  # "in another terminal"
        f"{CLIENT[0]} {CLIENT[1]}"
    )
    env = {**os.environ, **NEAR_EXPIRY}
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "-d", "900", "--", "sh", "-c", script, env=env
    )
    assert result.returncode == 0, result.stderr
    answers = [line.split(" ", 2) for line in result.stdout.splitlines()]
    assert [status for status, _, _ in answers] == ["200"] * 3
    refreshed, kept, fresh = (key for _, key, _ in answers)
    assert kept == refreshed  # no session: the current ones while they last
    assert fresh != kept
    lines = result.stderr.splitlines()
    print("stderr:", *lines, sep="\n")
    assert len(lines) == 3
    assert lines[0].startswith("awsmfa: forgot 2 credential(s)")
    assert lines[2] == "awsmfa: the endpoint serves fresh dev credentials again"
    assert lines[1].startswith(
        "awsmfa: the MFA session for dev has ended (the agent needs a new MFA code); "
        "the command keeps its credentials until "
    )
    assert lines[1].endswith(
        "to go on, run `awsmfa exec dev -d 900 -- true` in another terminal "
        "(it asks for a new MFA code) and the endpoint serves fresh credentials again"
    )
    calls = moto.calls()
    print("STS calls:", calls)
    assert calls == ["GetSessionToken", "AssumeRole", "AssumeRole"] * 2


def test_without_a_usable_agent_the_run_holds_the_session_and_says_so(
    moto: Moto, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # refused as the agent's directory
    env = {**os.environ, **NEAR_EXPIRY, "AWSMFA_AGENT_SOCK": str(shared / "agent.sock")}
    result = awsmfa(
        "--debug", "exec", "dev", "--server", "-t", CODE, "-d", "900", "--",
        *CLIENT, "--times", "2", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answers = [line.split(" ", 2) for line in result.stdout.splitlines()]
    assert [status for status, _, _ in answers] == ["200"] * 2
    assert "no session agent to use: this process holds the MFA session" in result.stderr
    assert moto.calls() == ["GetSessionToken"] + ["AssumeRole"] * 3
