"""Fresh final credentials for `exec --server`: the one seam between the endpoint and STS.

The endpoint asks a `Refresher` for credentials on every request. `HoldingRefresher` hands
out the current credentials while they have more than the refresh margin left, fetches
fresh ones after that, and, when none can be had, keeps handing out the current ones until
`LAST_USE` before they expire. Two fetch them:

- `AgentRefresher` (endpoint/through_agent.py) asks the session agent, which holds the MFA
  session every shell shares and re-assumes the role from it;
- `InProcessRefresher` keeps the MFA session in this process's memory (never on disk) and
  re-runs only the AssumeRole hop(s) above it: with AWSMFA_AGENT=off, or no agent to ask.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials, format_expiration, utcnow
from awsmfa_exec.errors import AuthError, AwsmfaError
from awsmfa_exec.margin import REFRESH_MARGIN
from awsmfa_exec.providers import AssumeRoleProvider, Provider, RootFirst, SessionTokenProvider

LAST_USE = 60
"""When no fresh credentials can be had, the current ones are handed out until this close
to their expiry."""


class SessionEnded(AuthError):
    """The MFA session is over: fresh credentials need a new MFA code.

    `how` is the line for the user's stderr, what to do to go on; `{until}` in it stands
    for the time the current credentials run out."""

    code = "MfaSessionEnded"

    def __init__(self, message: str, how: str = "") -> None:
        super().__init__(message)
        self.how = how or message


class Refresher(Protocol):
    profile: str

    def credentials(self) -> Credentials:
        """Final credentials valid for the refresh margin, or `AwsmfaError` saying why not."""
        ...


class HoldingRefresher:
    """Holds the current credentials; subclasses say how fresh ones are fetched."""

    def __init__(
        self,
        profile: str,
        *,
        margin: int = REFRESH_MARGIN,
        now: Callable[[], datetime] = utcnow,
        current: Credentials | None = None,
    ) -> None:
        self.profile = profile
        self._margin = margin
        self._now = now
        self._lock = threading.Lock()
        self._current = current
        self._told_ended = False
        self._last_failure = ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(profile={self.profile!r}, current={self._current!r})"

    def fetch(self, current: Credentials | None) -> Credentials:
        """Fresh final credentials, or SessionEnded / another AwsmfaError."""
        raise NotImplementedError

    def credentials(self) -> Credentials:
        with self._lock:
            current = self._current
            if current is not None and self._fresh(current):
                return current
            try:
                fresh = self.fetch(current)
            except SessionEnded as exc:
                if current is None:
                    raise
                return self._last_use(current, exc)
            except AwsmfaError as exc:
                if current is None or not current.valid_for(LAST_USE, self._now()):
                    raise
                if exc.message != self._last_failure:  # once, not on every SDK request
                    self._last_failure = exc.message
                    log.note(f"could not refresh the {self.profile} credentials: {exc.message}")
                return current
            if self._told_ended:
                self._told_ended = False
                log.note(f"the endpoint serves fresh {self.profile} credentials again")
            self._current, self._last_failure = fresh, ""
            log.debug(f"{self.profile}: new credentials {fresh!r}")
            return fresh

    def _fresh(self, creds: Credentials) -> bool:
        """More than the refresh margin left."""
        return creds.seconds_left(self._now()) > self._margin

    def _last_use(self, current: Credentials, ended: SessionEnded) -> Credentials:
        usable = current.valid_for(LAST_USE, self._now())
        if not self._told_ended:
            self._told_ended = True
            until = format_expiration(current.expiration) if current.expiration else "now"
            log.note(ended.how.replace("{until}", until))
        if usable:
            return current
        raise ended


@dataclass
class RememberedProvider:
    """Calls its inner provider once and keeps the answer in memory."""

    inner: Provider
    kept: Credentials | None = None

    def retrieve(self) -> Credentials:
        if self.kept is None:
            self.kept = self.inner.retrieve()
        return self.kept


Layer = AssumeRoleProvider | SessionTokenProvider


def _carries_mfa(provider: Provider) -> bool:
    return isinstance(provider, Layer) and provider.mfa is not None


def remember_mfa_session(top: Provider) -> tuple[Provider, RememberedProvider | None]:
    """A copy of the chain `top` in which the provider below `top` that uses the MFA code
    is wrapped so it is called only once, and that wrapper; `top` is left as it was.

    No wrapper when no provider below `top` uses a code: either none does (every refresh
    starts from the long-term keys) or `top` itself does (its credentials are the MFA
    session).
    """
    if not isinstance(top, Layer):
        return top, None
    if _carries_mfa(top.source):
        wrapped = RememberedProvider(top.source)
        return replace(top, source=wrapped), wrapped
    below, remembered = remember_mfa_session(top.source)
    return (top, None) if remembered is None else (replace(top, source=below), remembered)


class InProcessRefresher(HoldingRefresher):
    """Holds the MFA session in memory and re-assumes the role(s) from it on demand."""

    def __init__(
        self,
        profile: str,
        provider: Provider,
        *,
        margin: int = REFRESH_MARGIN,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(profile, margin=margin, now=now)
        if isinstance(provider, RootFirst):  # its layers are known once the root is fetched
            provider = provider.settle()
        self._final_is_session = _carries_mfa(provider)
        self._top, self._session = remember_mfa_session(provider)

    def fetch(self, current: Credentials | None) -> Credentials:
        if current is not None and not self._can_refresh():
            profile = self.profile
            raise SessionEnded(
                f"the MFA session for {profile} has ended and fresh credentials need a new "
                f"MFA code: run the command again with awsmfa exec {profile} --server",
                f"the MFA session for {profile} has ended; the command keeps its "
                "credentials until {until}, then to continue run it again with "
                f"`awsmfa exec {profile} --server -- …` and a new MFA code",
            )
        return self._top.retrieve()

    def _can_refresh(self) -> bool:
        if self._final_is_session:
            return False
        if self._session is None:
            return True
        kept = self._session.kept
        return kept is not None and self._fresh(kept)
