"""AWS's duration rules, end to end, under the strict STS double (tests/support/strict_sts.py).

Every role here requires MFA in its trust policy, so a path that drops the MFA on the way is
refused too. Each case runs with the session agent and without it (`AWSMFA_AGENT=off`);
the child prints the expiry it saw, which `pytest -s` shows.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.test_exec_server import CLIENT
from tests.support.aws_files import (
    ACCOUNT,
    CODE,
    LANDING_KEY_ID,
    LANDING_SECRET,
    SEED_CONFIG,
    SERIAL,
    AwsFiles,
)
from tests.support.commands import awsmfa
from tests.support.signin_server import SigninServer, signin_server
from tests.support.strict_sts import CHAINING, ROLE_LIMIT
from tests.support.sts_server import Moto

__all__ = ["signin_server"]  # the fixture, imported for the login tests

# The seed profiles, with prod reached through dev (two hops), and two more roles.
CONFIG = SEED_CONFIG.replace("prod\nsource_profile = landing", "prod\nsource_profile = dev")
MORE = [("dev4h", "dev", "duration_seconds = 14400\n"), ("small", "small", "")]
for name, role, extra in MORE:
    CONFIG += f"\n[profile {name}]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/{role}\n"
    CONFIG += f"source_profile = landing\n{extra}"
EXPIRY = ["sh", "-c", 'echo "$AWS_CREDENTIAL_EXPIRATION $AWS_ACCESS_KEY_ID"']
AGENT = {"on": {}, "off": {"AWSMFA_AGENT": "off"}}
SMALL_NOTE = "the role of small allows less than 2h (its MaxSessionDuration"
CHAINED_NOTE = "prod is reached through another role; AWS limits chained role sessions to 1h"


@pytest.fixture
def strict(moto: Moto, aws_files: AwsFiles) -> Moto:
    """The seed credentials, CONFIG, and roles that require MFA; small allows 1 h."""
    aws_files.config.write_text(CONFIG)
    for name in ("dev", "prod"):
        moto.role(name, requires_mfa=True)
    moto.role("small", max_session=3600, requires_mfa=True)
    return moto


def seconds_left(expiration: str) -> float:
    expires = datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    return (expires - datetime.now(timezone.utc)).total_seconds()


@dataclass(frozen=True)
class Seen:
    expiration: str
    key_id: str
    stderr: str

    @property
    def left(self) -> float:
        return seconds_left(self.expiration)


def child_sees(*args: str, env: dict[str, str] | None = None) -> Seen:
    result = awsmfa("exec", *args, "--", *EXPIRY, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    expiration, key_id = result.stdout.split()
    agent = "off" if (env or {}).get("AWSMFA_AGENT") == "off" else "on"
    sys.stdout.write(f"agent {agent}: awsmfa exec {' '.join(args)}: the child saw {expiration}\n")
    return Seen(expiration, key_id, result.stderr)


@dataclass(frozen=True)
class MustShow:
    args: tuple[str, ...]
    lasts: int
    calls: list[str]
    note: str | None = None


MUST_SHOW = {
    "exec dev -d 4h": MustShow(("dev", "-d", "4h"), 14400, ["AssumeRole"]),
    "duration_seconds = 14400": MustShow(("dev4h",), 14400, ["AssumeRole"]),
    "exec prod -d 4h, two hops": MustShow(
        ("prod", "-d", "4h"), 3600, ["GetSessionToken", "AssumeRole", "AssumeRole"], CHAINED_NOTE
    ),
    "a 1 h role asked for 2 h": MustShow(
        ("small", "-d", "2h"), 3600, ["AssumeRole refused", "AssumeRole"], SMALL_NOTE
    ),
}


@pytest.mark.parametrize("agent", AGENT)
@pytest.mark.parametrize("case", MUST_SHOW.values(), ids=MUST_SHOW)
def test_must_show_under_the_strict_double(strict: Moto, case: MustShow, agent: str) -> None:
    seen = child_sees(*case.args, "-t", CODE, env=AGENT[agent])
    assert case.lasts - 120 < seen.left <= case.lasts
    assert strict.calls() == case.calls
    expected_refusals = (
        [f"AssumeRole: ValidationError: {ROLE_LIMIT}"] if "small" in case.args else []
    )
    assert strict.refusals() == expected_refusals
    assert strict.issued()[seen.key_id] is True  # temporary keys that carry the MFA
    if case.note:
        assert seen.stderr.count(case.note) == 1, seen.stderr
        assert seen.stderr.count("\n") == 1
    else:
        assert seen.stderr == ""


def test_the_agent_remembers_a_roles_limit(strict: Moto) -> None:
    assert SMALL_NOTE in child_sees("small", "-d", "2h", "-t", CODE).stderr
    assert awsmfa("clear", "small").returncode == 0
    again = child_sees("small", "-d", "2h", "-t", CODE)
    assert "as learned earlier" in again.stderr
    assert 3600 - 120 < again.left <= 3600
    assert strict.calls() == ["AssumeRole refused", "AssumeRole", "AssumeRole"]


def test_a_one_hour_role_goes_through_the_shared_mfa_session(strict: Moto) -> None:
    child_sees("dev", "-t", CODE)
    small = child_sees("small")  # no code: the agent's MFA session carries the MFA
    assert 3600 - 120 < small.left <= 3600
    assert strict.calls() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    assert strict.refusals() == []


def test_after_the_direct_path_an_mfa_session_needs_a_new_code(strict: Moto) -> None:
    child_sees("dev", "-d", "4h", "-t", CODE)
    result = awsmfa("exec", "prod", "--", "true")  # no code and no terminal
    assert result.returncode == 2
    assert "needs an MFA code and there is no terminal" in result.stderr
    child_sees("prod", "-t", "654321")
    assert strict.calls() == ["AssumeRole", "GetSessionToken", "AssumeRole", "AssumeRole"]


@pytest.mark.parametrize("agent", AGENT)
def test_no_session_under_the_strict_double(strict: Moto, agent: str) -> None:
    one = child_sees("dev", "--no-session", "-d", "4h", "-t", CODE, env=AGENT[agent])
    assert 14400 - 120 < one.left <= 14400
    two = child_sees("prod", "--no-session", "-d", "4h", "-t", CODE, env=AGENT[agent])
    assert CHAINED_NOTE in two.stderr
    assert strict.calls() == ["AssumeRole"] * 3
    assert strict.refusals() == []


@pytest.mark.parametrize("agent", AGENT)
def test_mfa_session_duration_sets_the_sessions_life(
    strict: Moto, aws_files: AwsFiles, agent: str
) -> None:
    assert 43200 - 120 < child_sees("landing", "-t", CODE, env=AGENT[agent]).left <= 43200
    setting = "[profile landing]\nmfa_session_duration = 7200\n"
    aws_files.config.write_text(CONFIG.replace("[profile landing]\n", setting))
    assert 7200 - 120 < child_sees("landing", "-t", CODE, env=AGENT[agent]).left <= 7200


def test_the_agent_holds_the_mfa_session_for_its_configured_life(
    strict: Moto, aws_files: AwsFiles
) -> None:
    aws_files.config.write_text(
        CONFIG.replace("[profile landing]\n", "[profile landing]\nmfa_session_duration = 7200\n")
    )
    child_sees("dev", "-t", CODE)
    status = awsmfa("agent", "status", "--json")
    held = {entry["kind"]: entry["seconds_left"] for entry in json.loads(status.stdout)["held"]}
    assert 7200 - 120 < held["mfa-session"] <= 7200


NEAR_EXPIRY = {"AWSMFA_REFRESH_MARGIN": "10800"}  # 2 h credentials count as near expiry


def serve(*args: str, env: dict[str, str]) -> tuple[list[list[str]], str]:
    result = awsmfa(
        "exec", *args, "--server", "-t", CODE, "--", *CLIENT, "--times", "2",
        env={**os.environ, **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [line.split(" ", 2) for line in result.stdout.splitlines()], result.stderr


def test_server_refresh_of_a_long_role_asks_for_a_new_code_through_the_agent(strict: Moto) -> None:
    answers, stderr = serve("dev", "-d", "2h", env=NEAR_EXPIRY)
    assert [status for status, _, _ in answers] == ["200", "200"]
    assert "run `awsmfa exec dev -d 7200 -- true` in another terminal" in stderr
    assert strict.calls() == ["AssumeRole"]
    assert strict.refusals() == []


def test_server_refresh_of_a_long_role_without_the_agent_says_to_run_again(strict: Moto) -> None:
    answers, stderr = serve("dev", "-d", "2h", env={**NEAR_EXPIRY, "AWSMFA_AGENT": "off"})
    assert [status for status, _, _ in answers] == ["200", "200"]
    assert "awsmfa exec dev --server" in stderr
    assert strict.calls() == ["AssumeRole"]


@pytest.mark.parametrize("agent", AGENT)
def test_server_refresh_of_two_hops_keeps_the_mfa_and_the_hour(strict: Moto, agent: str) -> None:
    env = {"AWSMFA_REFRESH_MARGIN": "3600", **AGENT[agent]}
    answers, _ = serve("prod", "-d", "900", env=env)
    assert [status for status, _, _ in answers] == ["200", "200"]
    assert len({key for _, key, _ in answers}) == 2  # refreshed
    assert strict.calls() == ["GetSessionToken"] + ["AssumeRole"] * 6
    assert strict.refusals() == []


def test_agent_refresh_of_a_long_role_assumes_it_again_with_the_new_code(strict: Moto) -> None:
    first = child_sees("dev", "-d", "2h", "-t", CODE)
    renewed = child_sees("dev", "-d", "2h", "-t", "654321", env=NEAR_EXPIRY)
    assert renewed.key_id != first.key_id
    assert strict.calls() == ["AssumeRole", "AssumeRole"]
    assert strict.refusals() == []


def test_agent_refresh_of_a_one_hour_role_needs_no_code(strict: Moto) -> None:
    first = child_sees("dev", "-d", "900", "-t", CODE)
    renewed = child_sees("dev", "-d", "900", env={"AWSMFA_REFRESH_MARGIN": "3600"})
    assert renewed.key_id != first.key_id
    assert strict.calls() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    assert strict.refusals() == []


@pytest.mark.parametrize("agent", AGENT)
@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_login_under_the_strict_double(
    strict: Moto, signin_server: SigninServer, profile: str, agent: str
) -> None:
    env = {**os.environ, **AGENT[agent]}
    result = awsmfa("login", profile, "--print", "-d", "4h", "-t", CODE, env=env)
    assert result.returncode == 0, result.stderr
    assert urlsplit(result.stdout.strip()).path == urlsplit(signin_server.url).path
    [request] = signin_server.requests
    session = json.loads(request.query["Session"][0])
    assert strict.issued()[session["sessionId"]] is True
    assert strict.refusals() == []
    assert "SessionDuration" not in request.query  # a chained session may not ask for one


def test_the_double_refuses_what_aws_refuses(strict: Moto) -> None:
    """Without awsmfa: the double itself, called with botocore, refuses each broken rule."""
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import ClientError

    def client(key_id: str, secret: str, token: str | None = None) -> Any:
        return botocore.session.get_session().create_client(
            "sts",
            region_name="us-east-1",
            endpoint_url=strict.url,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=Config(parameter_validation=False),  # let the double see every value
        )

    def refused(call: Any, **params: object) -> str:
        with pytest.raises(ClientError) as raised:
            call(**params)
        error = raised.value.response["Error"]
        return f"{error['Code']}: {error['Message']}"

    keys = client(LANDING_KEY_ID, LANDING_SECRET)
    dev = {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/dev", "RoleSessionName": "s"}
    small = {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/small", "RoleSessionName": "s"}
    mfa = {"SerialNumber": SERIAL, "TokenCode": CODE}
    assert refused(keys.get_session_token, DurationSeconds=600).startswith("ValidationError")
    assert refused(keys.get_session_token, DurationSeconds=129601).startswith("ValidationError")
    assert refused(keys.assume_role, DurationSeconds=43201, **dev, **mfa).startswith(
        "ValidationError"
    )
    assert "not authorized" in refused(keys.assume_role, **dev)  # dev requires MFA
    answer = keys.get_session_token(DurationSeconds=3600, **mfa)["Credentials"]
    session = client(answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"])
    assert "with session credentials" in refused(session.get_session_token)
    chained = refused(session.assume_role, DurationSeconds=7200, **dev)
    assert chained == f"ValidationError: {CHAINING}"
    over = refused(keys.assume_role, DurationSeconds=7200, **small, **mfa)
    assert over == f"ValidationError: {ROLE_LIMIT}"
    # What AWS allows passes: a chained hour with the session's MFA, 12 h from the keys.
    session.assume_role(DurationSeconds=3600, **dev)
    keys.assume_role(DurationSeconds=43200, **dev, **mfa)
    assert len(strict.refusals()) == 7
