"""`obtain`, the path from a profile name to credentials, with its parts faked: inherited
credentials, the agent (a stand-in for `agent.client.through_agent`), and STS (FakeSts)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from awsmfa_exec.agent import client as agent_client
from awsmfa_exec.credentials import Credentials, format_expiration, utcnow
from awsmfa_exec.errors import UsageError
from awsmfa_exec.mfa import Asker, Given
from awsmfa_exec.obtain import OFF, RUNNING, START, obtain
from awsmfa_exec.request import Obtained, Request, given_code, make_request
from tests.support.aws_files import CODE, AwsFiles
from tests.support.fake_sts import FakeSts

DIRECT = {"AWSMFA_AGENT": "off"}
FROM_AGENT = Obtained("dev", Credentials("ASIAFROMAGENT", "s", "t"), "eu-central-1", "agent")


def inherited_dev(minutes: float) -> dict[str, str]:
    return {
        "AWSMFA_PROFILE": "dev",
        "AWS_ACCESS_KEY_ID": "ASIAINHERITED",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": "token",
        "AWS_CREDENTIAL_EXPIRATION": format_expiration(utcnow() + timedelta(minutes=minutes)),
        "AWS_REGION": "sa-east-1",
    }


@pytest.fixture
def agent_asked(monkeypatch: pytest.MonkeyPatch) -> list[Request]:
    """Each request that reached the (fake) agent; it answers with FROM_AGENT."""
    asked: list[Request] = []

    def through_agent(request: Request, environ: object, asker: Asker, *, start: bool) -> Obtained:
        asked.append(request)
        return FROM_AGENT

    monkeypatch.setattr(agent_client, "through_agent", through_agent)
    return asked


def test_credentials_a_parent_exported_for_the_profile_are_reused(
    aws_files: AwsFiles, fake_sts: FakeSts, agent_asked: list[Request]
) -> None:
    got = obtain(Request("dev"), inherited_dev(30))
    assert (got.credentials.access_key_id, got.region) == ("ASIAINHERITED", "sa-east-1")
    assert fake_sts.calls == []
    assert agent_asked == []


@pytest.mark.parametrize(
    ("minutes", "request_"),
    [
        (4, Request("dev")),  # inside the 5 minute margin
        (30, Request("prod")),  # another profile's
        (30, make_request("dev", None, "2h", None, False)),  # a duration asked for
        (30, make_request("dev", None, None, None, True)),  # --no-session
    ],
)
def test_inherited_credentials_that_do_not_fit_go_to_the_agent(
    aws_files: AwsFiles, agent_asked: list[Request], minutes: float, request_: Request
) -> None:
    assert obtain(request_, inherited_dev(minutes)) == FROM_AGENT
    assert agent_asked == [request_]


def test_the_agents_answer_is_used(
    aws_files: AwsFiles, fake_sts: FakeSts, agent_asked: list[Request]
) -> None:
    assert obtain(Request("dev"), {}) == FROM_AGENT
    assert fake_sts.calls == []


def test_without_an_agent_sts_is_called_directly(
    aws_files: AwsFiles, fake_sts: FakeSts, agent_asked: list[Request]
) -> None:
    got = obtain(make_request("dev", CODE, None, "ap-south-1", False), DIRECT)
    assert agent_asked == []
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole"]
    assert fake_sts.calls[0].code == CODE
    assert (got.profile, got.region) == ("dev", "ap-south-1")
    assert got.credentials.access_key_id == "ASIAROLE00000002"


def test_an_agent_that_cannot_answer_falls_back_to_sts(
    aws_files: AwsFiles, fake_sts: FakeSts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent_client, "through_agent", lambda *_, **__: None)
    got = obtain(make_request("dev", CODE, None, None, False), {})
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole"]
    assert got.region == "eu-central-1"


def test_the_option_code_comes_before_the_variable() -> None:
    def given(request: Request, environ: dict[str, str]) -> tuple[str, str] | None:
        got = given_code(request, environ)
        return None if got is None else (got.code, got.origin)

    request = Request("dev", token_code=CODE)
    assert given(request, {"AWSMFA_TOKEN_CODE": "654321"}) == (CODE, "--token-code")
    assert given(Request("dev"), {"AWSMFA_TOKEN_CODE": "654321"}) == ("654321", "AWSMFA_TOKEN_CODE")
    assert given(Request("dev"), {}) is None


@pytest.mark.parametrize(
    ("request_", "environ"),
    [
        (Request("dev", token_code="12345"), {}),
        (Request("dev"), {"AWSMFA_TOKEN_CODE": "abcdef"}),
    ],
)
def test_a_code_that_is_not_six_digits_is_refused_before_any_call(
    aws_files: AwsFiles,
    fake_sts: FakeSts,
    agent_asked: list[Request],
    request_: Request,
    environ: dict[str, str],
) -> None:
    with pytest.raises(UsageError):
        obtain(request_, environ)
    assert (fake_sts.calls, agent_asked) == ([], [])


def test_an_unneeded_code_gets_one_note_after_success(
    aws_files: AwsFiles, fake_sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    aws_files.write(
        config="[profile plain]\nregion = eu-west-1\n",
        credentials="[plain]\naws_access_key_id = AKIAPLAIN\naws_secret_access_key = s\n",
    )
    obtain(make_request("plain", CODE, None, None, False), DIRECT)
    err = capsys.readouterr().err
    assert err.count("awsmfa: the code given with --token-code was not needed") == 1
    assert fake_sts.calls[0].code is None


@pytest.mark.parametrize(
    ("environ", "agent_use", "answers", "via", "started"),
    [
        ({}, START, True, "agent", [True]),
        ({}, RUNNING, True, "agent", [False]),  # a refresh: no agent is started
        ({}, START, False, "direct", [True]),  # no agent could be used
        ({}, OFF, True, "direct", []),
        ({"AWSMFA_AGENT": "off"}, START, True, "direct", []),
    ],
)
def test_agent_or_direct_is_one_choice_for_every_caller(
    aws_files: AwsFiles,
    fake_sts: FakeSts,
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    agent_use: str,
    answers: bool,
    via: str,
    started: list[bool],
) -> None:
    asked: list[bool] = []

    def through_agent(
        request: Request, env: object, asker: Asker, *, start: bool
    ) -> Obtained | None:
        asked.append(start)
        return FROM_AGENT if answers else None

    monkeypatch.setattr(agent_client, "through_agent", through_agent)
    got = obtain(Request("dev"), environ, asker=Given(CODE, "-t"), agent_use=agent_use)
    assert (got.via, asked) == (via, started)
    assert fake_sts.actions() == ([] if via == "agent" else ["GetSessionToken", "AssumeRole"])
