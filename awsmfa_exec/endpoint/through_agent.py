"""`exec --server` through the session agent: the MFA session is the agent's, shared.

The first credentials come the way a plain `exec` gets them from the agent, with the code
from -t, AWSMFA_TOKEN_CODE, mfa_process or the terminal, before the command starts. Every
refresh after that is a request with no code that carries the refresh margin, so the agent
re-assumes the role from the MFA session it holds (one AssumeRole, no prompt) rather than
hand back the credentials being replaced. When the agent holds no MFA session any more (it
ended, was cleared, or the agent was stopped) a refresh cannot ask for a code, since the
command owns the terminal: awsmfa says how to give the agent a new session from another
terminal, and the first request after that gets fresh credentials again.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from datetime import datetime

from awsmfa_exec import log
from awsmfa_exec.agent.client import (
    AgentUnavailable,
    CodeWanted,
    obtain_through_agent,
    refresh_through_agent,
)
from awsmfa_exec.credentials import Credentials, utcnow
from awsmfa_exec.endpoint.refresh import HoldingRefresher, SessionEnded
from awsmfa_exec.margin import REFRESH_MARGIN
from awsmfa_exec.request import Obtained, Request, given_code

Ask = Callable[[Request, Mapping[str, str]], Obtained]


def renew_command(request: Request) -> str:
    """The plain `exec` that gives the agent a new MFA session for this request's chain."""
    words = ["awsmfa", "exec", request.profile, *request.options.to_words(), "--", "true"]
    return shlex.join(words)


class AgentRefresher(HoldingRefresher):
    """Asks the agent for fresh credentials once the current ones are within the margin."""

    def __init__(
        self,
        request: Request,
        environ: Mapping[str, str],
        first: Credentials,
        *,
        margin: int = REFRESH_MARGIN,
        now: Callable[[], datetime] = utcnow,
        ask: Ask = refresh_through_agent,
    ) -> None:
        super().__init__(request.profile, margin=margin, now=now, current=first)
        self._request = request
        self._environ = dict(environ)
        self._ask = ask

    def fetch(self, current: Credentials | None) -> Credentials:
        try:
            return self._ask(self._request, self._environ).credentials
        except CodeWanted:
            raise self._ended("the agent needs a new MFA code") from None
        except AgentUnavailable as exc:
            log.debug(f"{exc}")
            raise self._ended("the session agent that held it is gone") from None

    def _ended(self, why: str) -> SessionEnded:
        profile, again = self.profile, renew_command(self._request)
        return SessionEnded(
            f"the MFA session for {profile} has ended ({why}): run `{again}` in another "
            "terminal to give the agent a new one, and this endpoint serves fresh "
            "credentials again",
            f"the MFA session for {profile} has ended ({why}); the command keeps its "
            "credentials until {until}; to go on, run "
            f"`{again}` in another terminal (it asks for a new MFA code) and the endpoint "
            "serves fresh credentials again",
        )


def start_through_agent(
    request: Request, environ: Mapping[str, str], margin: int
) -> tuple[AgentRefresher, Obtained] | None:
    """The first credentials from the agent and a refresher that goes on asking it; None
    when the agent cannot be started or does not answer properly."""
    got = obtain_through_agent(request, environ, given_code(request, environ))
    if got is None:
        return None
    return AgentRefresher(request, environ, got.credentials, margin=margin), got
