"""The refresher that asks the session agent, against a fake agent and a clock the test moves."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from awsmfa_exec import fastpath
from awsmfa_exec.agent.client import AgentUnavailable, CodeWanted
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint.refresh import LAST_USE, SessionEnded
from awsmfa_exec.endpoint.through_agent import AgentRefresher, renew_command
from awsmfa_exec.errors import StsUnavailable
from awsmfa_exec.margin import REFRESH_MARGIN
from awsmfa_exec.options import Options
from awsmfa_exec.request import Obtained, Request
from tests.unit.test_endpoint_refresh import Clock


@dataclass
class FakeAgent:
    """Answers refreshes with role credentials of an hour, or fails as told."""

    clock: Clock
    failure: Exception | None = None
    margins: list[str] = field(default_factory=list)

    def __call__(self, request: Request, environ: Mapping[str, str]) -> Obtained:
        self.margins.append(environ.get("AWSMFA_REFRESH_MARGIN", ""))
        if self.failure is not None:
            raise self.failure
        n = len(self.margins)
        expiry = self.clock() + timedelta(hours=1)
        return Obtained(request.profile, Credentials(f"ASIA{n:016d}", "s", "t", expiry), None)


def refresher(agent: FakeAgent, **options: object) -> AgentRefresher:
    first = Credentials("ASIAFIRST", "s", "t", agent.clock() + timedelta(hours=1))
    request = Request("dev", options=Options(**options))  # type: ignore[arg-type]
    environ = {"AWSMFA_REFRESH_MARGIN": "300"}
    return AgentRefresher(request, environ, first, now=agent.clock, ask=agent)


def test_fresh_credentials_ask_no_one() -> None:
    agent = FakeAgent(Clock())
    r = refresher(agent)
    agent.clock.advance(3600 - REFRESH_MARGIN - 1)
    assert r.credentials().access_key_id == "ASIAFIRST"
    assert agent.margins == []


def test_near_expiry_asks_the_agent_with_the_margin() -> None:
    agent = FakeAgent(Clock())
    r = refresher(agent)
    agent.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials().access_key_id == "ASIA0000000000000001"
    assert r.credentials().access_key_id == "ASIA0000000000000001"
    assert agent.margins == ["300"]


@pytest.mark.parametrize(
    ("failure", "why"),
    [
        (CodeWanted(), "the agent needs a new MFA code"),
        (AgentUnavailable("no agent answers"), "the session agent that held it is gone"),
    ],
)
def test_no_session_in_the_agent_says_how_to_go_on_then_recovers(
    capsys: pytest.CaptureFixture[str], failure: Exception, why: str
) -> None:
    agent = FakeAgent(Clock(), failure)
    r = refresher(agent, duration=7200)
    agent.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials().access_key_id == "ASIAFIRST"  # while they last
    assert r.credentials().access_key_id == "ASIAFIRST"
    agent.clock.advance(REFRESH_MARGIN - LAST_USE + 1)
    with pytest.raises(SessionEnded, match="run `awsmfa exec dev -d 7200 -- true` in another"):
        r.credentials()
    err = capsys.readouterr().err
    assert err == (
        f"awsmfa: the MFA session for dev has ended ({why}); the command keeps its "
        "credentials until 2026-11-30T13:00:00Z; to go on, run `awsmfa exec dev -d 7200 -- "
        "true` in another terminal (it asks for a new MFA code) and the endpoint serves "
        "fresh credentials again\n"
    )
    agent.failure = None  # the user gave the agent a new MFA session
    assert r.credentials().access_key_id.startswith("ASIA000")
    assert capsys.readouterr().err == "awsmfa: the endpoint serves fresh dev credentials again\n"


def test_a_failed_sts_call_keeps_the_current_ones_and_says_so_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    agent = FakeAgent(Clock(), StsUnavailable("STS is unavailable (Throttling)"))
    r = refresher(agent)
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
