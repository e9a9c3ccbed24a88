"""Fresh final credentials for `exec --server`: the one seam between the endpoint and STS.

The endpoint asks a `Refresher` for credentials on every request. `InProcessRefresher`
keeps the MFA session in this process's memory (never on disk) and, when the final
credentials come within the refresh margin of expiry, re-runs only the AssumeRole hop(s)
above it: no new MFA code while the MFA session lasts. Anything with a `credentials()`
method that raises `SessionEnded` when it can no longer refresh can take its place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials, format_expiration, utcnow
from awsmfa_exec.errors import AuthError, AwsmfaError, UsageError
from awsmfa_exec.providers import AssumeRoleProvider, Provider, SessionTokenProvider

REFRESH_MARGIN = 300
"""Fresh credentials are fetched once the current ones have this many seconds left or less."""

LAST_USE = 60
"""When no fresh credentials can be had, the current ones are handed out until this close
to their expiry."""

MARGIN_VARIABLE = "AWSMFA_REFRESH_MARGIN"


class SessionEnded(AuthError):
    """The MFA session is over: fresh credentials need a new MFA code."""

    code = "MfaSessionEnded"


class Refresher(Protocol):
    profile: str

    def credentials(self) -> Credentials:
        """Final credentials valid for the refresh margin, or `AwsmfaError` saying why not."""
        ...


def refresh_margin(environ: Mapping[str, str]) -> int:
    """The refresh margin: `AWSMFA_REFRESH_MARGIN` seconds when set (tests and tuning)."""
    raw = environ.get(MARGIN_VARIABLE, "").strip()
    if not raw:
        return REFRESH_MARGIN
    if not raw.isdigit():
        raise UsageError(f"{MARGIN_VARIABLE} must be a whole number of seconds, not {raw!r}")
    return int(raw)


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


def remember_mfa_session(top: Provider) -> RememberedProvider | None:
    """Wrap the provider below `top` that uses the MFA code so it is called only once.

    None when no provider below `top` uses a code: either none does (every refresh starts
    from the long-term keys) or `top` itself does (its credentials are the MFA session).
    """
    node = top
    while isinstance(node, Layer):
        source = node.source
        if _carries_mfa(source):
            remembered = RememberedProvider(source)
            node.source = remembered
            return remembered
        node = source
    return None


class InProcessRefresher:
    """Holds the MFA session in memory and re-assumes the role(s) from it on demand."""

    def __init__(
        self,
        profile: str,
        provider: Provider,
        *,
        margin: int = REFRESH_MARGIN,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.profile = profile
        self._top = provider
        self._final_is_session = _carries_mfa(provider)
        self._session = remember_mfa_session(provider)
        self._margin = margin
        self._now = now
        self._lock = threading.Lock()
        self._current: Credentials | None = None
        self._told_ended = False
        self._last_failure = ""

    def __repr__(self) -> str:
        return f"InProcessRefresher(profile={self.profile!r}, current={self._current!r})"

    def credentials(self) -> Credentials:
        with self._lock:
            current = self._current
            if current is not None and self._fresh(current):
                return current
            if current is not None and not self._can_refresh():
                return self._last_use(current)
            try:
                self._current = self._top.retrieve()
            except AwsmfaError as exc:
                if current is None or not current.valid_for(LAST_USE, self._now()):
                    raise
                if exc.message != self._last_failure:  # once, not on every SDK request
                    self._last_failure = exc.message
                    log.note(f"could not refresh the {self.profile} credentials: {exc.message}")
                return current
            log.debug(f"{self.profile}: new credentials {self._current!r}")
            return self._current

    def _can_refresh(self) -> bool:
        if self._final_is_session:
            return False
        if self._session is None:
            return True
        kept = self._session.kept
        return kept is not None and self._fresh(kept)

    def _fresh(self, creds: Credentials) -> bool:
        """More than the refresh margin left."""
        return creds.seconds_left(self._now()) > self._margin

    def _last_use(self, current: Credentials) -> Credentials:
        usable = current.valid_for(LAST_USE, self._now())
        if not self._told_ended:
            self._told_ended = True
            until = format_expiration(current.expiration) if current.expiration else "now"
            log.note(
                f"the MFA session for {self.profile} has ended; the command keeps its "
                f"credentials until {until}, then to continue run it again with "
                f"`awsmfa exec {self.profile} --server -- …` and a new MFA code"
            )
        if usable:
            return current
        raise SessionEnded(
            f"the MFA session for {self.profile} has ended and fresh credentials need a new "
            f"MFA code: run the command again with awsmfa exec {self.profile} --server"
        )
