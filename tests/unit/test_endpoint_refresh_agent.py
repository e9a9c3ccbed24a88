"""`exec --server`'s refresher when the session agent gave the first credentials: it asks
the agent (a fake `agent.client.through_agent`) with no code, against a clock the test moves."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from awsmfa_exec import fastpath
from awsmfa_exec.agent import client as agent_client
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint.refresh import LAST_USE, Refresher, SessionEnded, renew_command
from awsmfa_exec.errors import StsUnavailable
from awsmfa_exec.margin import REFRESH_MARGIN
from awsmfa_exec.mfa import Asker, Given
from awsmfa_exec.options import Options
from awsmfa_exec.prompts import Need
from awsmfa_exec.request import Obtained, Request
from tests.support.aws_files import AwsFiles
from tests.support.fake_sts import FakeSts
from tests.unit.test_endpoint_refresh import Clock


@dataclass
class FakeAgent:
    """Answers with role credentials of an hour; `failure` "code" when it holds no MFA
    session (it asks for a code), "gone" when no agent answers, or an error it raises."""

    clock: Clock
    failure: str | Exception | None = None
    asked: list[tuple[str, bool]] = field(default_factory=list)

    def __call__(
        self, request: Request, environ: Mapping[str, str], asker: Asker, *, start: bool
    ) -> Obtained | None:
        self.asked.append((environ.get("AWSMFA_REFRESH_MARGIN", ""), start))
        if self.failure == "code":
            asker.ask(Need("arn:aws:iam::123456789012:mfa/alice", request.profile))
        if self.failure == "gone":
            return None
        if isinstance(self.failure, Exception):
            raise self.failure
        n = len(self.asked)
        key = "ASIAFIRST" if n == 1 else f"ASIA{n:016d}"
        expiry = self.clock() + timedelta(hours=1)
        return Obtained(request.profile, Credentials(key, "s", "t", expiry), None, "agent")


@pytest.fixture
def agent(aws_files: AwsFiles, fake_sts: FakeSts, monkeypatch: pytest.MonkeyPatch) -> FakeAgent:
    fake = FakeAgent(Clock())
    monkeypatch.setattr(agent_client, "through_agent", fake)
    return fake


def refresher(agent: FakeAgent, **options: object) -> Refresher:
    request = Request("dev", options=Options(**options))  # type: ignore[arg-type]
    environ = {"AWSMFA_REFRESH_MARGIN": "300"}
    r = Refresher(request, environ, now=agent.clock)
    assert r.first(Given("123456", "-t")).credentials.access_key_id == "ASIAFIRST"
    return r


def test_fresh_credentials_ask_no_one(agent: FakeAgent) -> None:
    r = refresher(agent)
    agent.clock.advance(3600 - REFRESH_MARGIN - 1)
    assert r.credentials().access_key_id == "ASIAFIRST"
    assert agent.asked == [("300", True)]


def test_near_expiry_asks_the_running_agent_with_the_margin(agent: FakeAgent) -> None:
    r = refresher(agent)
    agent.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials().access_key_id == "ASIA0000000000000002"
    assert r.credentials().access_key_id == "ASIA0000000000000002"
    assert agent.asked == [("300", True), ("300", False)]  # a refresh starts no agent


@pytest.mark.parametrize("failure", ["code", "gone"])
def test_no_session_in_the_agent_says_how_to_go_on_then_recovers(
    agent: FakeAgent, fake_sts: FakeSts, capsys: pytest.CaptureFixture[str], failure: str
) -> None:
    r = refresher(agent, duration=7200)
    agent.failure = failure
    agent.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials().access_key_id == "ASIAFIRST"  # while they last
    assert r.credentials().access_key_id == "ASIAFIRST"
    agent.clock.advance(REFRESH_MARGIN - LAST_USE + 1)
    with pytest.raises(SessionEnded, match="run `awsmfa exec dev -d 7200 -- true` in another"):
        r.credentials()
    err = capsys.readouterr().err
    assert err == (
        "awsmfa: the MFA session for dev has ended (the agent needs a new MFA code); the "
        "command keeps its credentials until 2026-11-30T13:00:00Z; to go on, run "
        "`awsmfa exec dev -d 7200 -- true` in another terminal (it asks for a new MFA code) "
        "and the endpoint serves fresh credentials again\n"
    )
    assert fake_sts.calls == []  # gone, the direct path asked for a code first, of no one
    agent.failure = None  # the user gave the agent a new MFA session
    assert r.credentials().access_key_id.startswith("ASIA000")
    assert capsys.readouterr().err == "awsmfa: the endpoint serves fresh dev credentials again\n"


def test_a_failed_sts_call_keeps_the_current_ones_and_says_so_once(
    agent: FakeAgent, capsys: pytest.CaptureFixture[str]
) -> None:
    r = refresher(agent)
    agent.failure = StsUnavailable("STS is unavailable (Throttling)")
    agent.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials().access_key_id == "ASIAFIRST"
    assert r.credentials().access_key_id == "ASIAFIRST"
    assert capsys.readouterr().err.count("could not refresh the dev credentials") == 1


def test_renew_command_names_the_options_that_key_the_role() -> None:
    assert renew_command(Request("dev")) == "awsmfa exec dev -- true"
    options = Options(duration=900, region="eu west", no_session=True)
    assert renew_command(Request("my dev", options=options)) == (
        "awsmfa exec 'my dev' -d 900 -r 'eu west' --no-session -- true"
    )


@pytest.mark.parametrize(
    "options",
    [
        Options(),
        Options(duration=900),
        Options(region="eu west"),
        Options(duration=43200, region="us-east-1", no_session=True),
    ],
)
def test_renew_command_reads_back_as_the_same_request(options: Options) -> None:
    """What awsmfa suggests typing is what awsmfa reads: the fast path's reading of the
    suggested words gives back the request's options."""
    words = shlex.split(renew_command(Request("my dev", options=options)))
    assert words[:2] == ["awsmfa", "exec"]
    got = fastpath.read(words[1:])
    assert got is not None
    _, name, params = got
    request = fastpath.request_of(params)
    assert (name, request.profile, request.options, params["command"]) == (
        "exec",
        "my dev",
        options,
        ["true"],
    )
