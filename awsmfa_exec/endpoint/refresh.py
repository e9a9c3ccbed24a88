"""Fresh final credentials for `exec --server`: the one seam between the endpoint and STS.

The current credentials are handed out while they have more than the refresh margin left,
then fresh ones come the way the first ones came, with `obtain` (the agent, else this
process's in-memory cache). A refresh never asks for a code, since the command owns the
terminal (`mfa.Refusing`); when none can be had, the current ones are handed out until
`LAST_USE` before they expire, and the user is told how to go on.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable, Mapping
from datetime import datetime

from awsmfa_exec import log
from awsmfa_exec.chain.cache import Cache, Use
from awsmfa_exec.credentials import Credentials, utcnow
from awsmfa_exec.errors import AuthError, AwsmfaError
from awsmfa_exec.margin import REFRESH_MARGIN
from awsmfa_exec.mfa import Asker, CodeWanted, Refusing
from awsmfa_exec.obtain import OFF, RUNNING, obtain
from awsmfa_exec.request import Obtained, Request

LAST_USE = 60  # seconds before expiry: the end of the current ones when none can be had


class SessionEnded(AuthError):
    """The MFA session is over: fresh credentials need a new MFA code. `how` tells the user
    how to go on; `{until}` in it stands for the time the current credentials run out."""

    code = "MfaSessionEnded"

    def __init__(self, message: str, how: str = "") -> None:
        super().__init__(message)
        self.how = how or message


def renew_command(request: Request) -> str:
    """The plain `exec` that gives the agent a new MFA session for this request's chain."""
    words = ["awsmfa", "exec", request.profile, *request.options.to_words(), "--", "true"]
    return shlex.join(words)


class Refresher:
    """The endpoint's credentials: the first ones (`first`), then fresh ones near expiry."""

    def __init__(
        self,
        request: Request,
        environ: Mapping[str, str],
        *,
        margin: int = REFRESH_MARGIN,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.profile = request.profile
        self._request, self._environ = request, dict(environ)
        self._use = Use(Cache(now), margin)
        self._margin, self._now = margin, now
        self._lock = threading.Lock()
        self._current: Credentials | None = None
        self._agent_use = OFF
        self._told_ended = False
        self._last_failure = ""

    def __repr__(self) -> str:
        return f"Refresher(profile={self.profile!r}, current={self._current!r})"

    def first(self, asker: Asker | None = None) -> Obtained:
        """The first credentials, asking for a code now if one is needed."""
        got = obtain(self._request, self._environ, cache=self._use, asker=asker)
        self._agent_use = OFF if got.via == "direct" else RUNNING
        if got.via == "agent":
            log.debug(f"{self.profile}: refreshes go through the session agent")
        else:
            log.debug("no session agent to use: this process holds the MFA session for refreshes")
        self._current = got.credentials
        return got

    def fetch(self) -> Credentials:
        """Fresh final credentials, or SessionEnded / another AwsmfaError."""
        try:
            return obtain(
                self._request,
                self._environ,
                cache=self._use,
                asker=Refusing(),
                agent_use=self._agent_use,
            ).credentials
        except CodeWanted:
            raise self._ended() from None

    def _ended(self) -> SessionEnded:
        profile = self.profile
        if self._agent_use == OFF:
            again = f"awsmfa exec {profile} --server"
            return SessionEnded(
                f"the MFA session for {profile} has ended and fresh credentials need a new "
                f"MFA code: run the command again with {again}",
                f"the MFA session for {profile} has ended; the command keeps its "
                "credentials until {until}, then to continue run it again with "
                f"`{again} -- …` and a new MFA code",
            )
        again = renew_command(self._request)
        return SessionEnded(
            f"the MFA session for {profile} has ended (the agent needs a new MFA code): run "
            f"`{again}` in another terminal to give the agent a new one, and this endpoint "
            "serves fresh credentials again",
            f"the MFA session for {profile} has ended (the agent needs a new MFA code); the "
            "command keeps its credentials until {until}; to go on, run "
            f"`{again}` in another terminal (it asks for a new MFA code) and the endpoint "
            "serves fresh credentials again",
        )

    def credentials(self) -> Credentials:
        with self._lock:
            current = self._current
            if current is not None and current.seconds_left(self._now()) > self._margin:
                return current
            try:
                fresh = self.fetch()
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

    def _last_use(self, current: Credentials, ended: SessionEnded) -> Credentials:
        usable = current.valid_for(LAST_USE, self._now())
        if not self._told_ended:
            self._told_ended = True
            log.note(ended.how.replace("{until}", current.expires_text or "now"))
        if usable:
            return current
        raise ended
