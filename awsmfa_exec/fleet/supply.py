"""Credentials for many profiles from one MFA code.

With the session agent, every profile is asked of the agent, which holds the one MFA
session and single-flights its STS calls. Without it (AWSMFA_AGENT=off, or no agent
answers) the same happens in this process: the MFA session step of every provider chain is
kept in one in-process store, made once however many threads ask. Either way, the code
itself comes from one `SharedCode` per MFA device: asked for once, and once STS has refused
it for good, refused again without another STS call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from awsmfa_exec import log, providers
from awsmfa_exec.agent.handle_get import Kept
from awsmfa_exec.agent.store import Caller, Store
from awsmfa_exec.config import Chain, Files, Profiles, resolve
from awsmfa_exec.errors import MfaCodeRejected
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.obtain import agent_or_direct, direct_root, reuse_inherited
from awsmfa_exec.options import Options
from awsmfa_exec.prompts import Asking
from awsmfa_exec.request import GivenCode, Obtained, Request
from awsmfa_exec.sts import Endpoint

T = TypeVar("T")


class SharedCode(MfaCode):
    """The MFA code of one device for a whole run, fetched by one thread at a time."""

    def __init__(self, chain: Chain, given: GivenCode) -> None:
        super().__init__(
            chain.mfa_serial,
            given=given.code,
            given_origin=given.origin,
            asking=Asking.of(chain),
            profile=chain.profile,
        )
        self._lock = threading.Lock()
        self._refused: str | None = None

    def get(self, why: str | None = None) -> str:
        with self._lock:
            if self._refused is not None:
                raise MfaCodeRejected(self._refused)
            return super().get(why)

    def call(self, fn: Callable[[str], T]) -> T:
        try:
            return super().call(fn)
        except MfaCodeRejected as exc:
            with self._lock:
                self._refused = exc.message
            raise


class Supply:
    """Credentials for the profiles of one run; `obtain` may be called from many threads."""

    def __init__(
        self,
        environ: Mapping[str, str],
        options: Options,
        given: GivenCode,
        profiles: Profiles,
        files: Files,
    ) -> None:
        self.environ, self.options, self.given = environ, options, given
        self.profiles, self.files = profiles, files
        self.through_agent = True  # until the agent fails once
        self._codes: dict[tuple[str | None, str | None], SharedCode] = {}
        self._store = Store()
        self._lock = threading.Lock()

    def _code(self, chain: Chain) -> SharedCode:
        with self._lock:
            key = (chain.mfa_serial, chain.mfa_process)
            if key not in self._codes:
                self._codes[key] = SharedCode(chain, self.given)
            return self._codes[key]

    def obtain(self, profile: str) -> Obtained:
        """What `awsmfa exec PROFILE` would get, with the run's options."""
        options, request = self.options, Request(profile, None, self.options)
        reused = reuse_inherited(request, self.environ)
        if reused is not None:
            return reused
        chain = resolve(profile, self.profiles, self.files, self.environ)

        def through_agent() -> Obtained | None:
            if not self.through_agent:
                return None
            from awsmfa_exec.agent.client import obtain_through_agent

            got = obtain_through_agent(request, self.environ, self.given, self._code(chain))
            if got is None:
                log.debug("the agent is unavailable: the rest of the run calls STS from here")
                self.through_agent = False
            return got

        def direct() -> Obtained:
            root = direct_root(chain, self.environ, options.region or chain.region)
            provider, region = providers.for_chain(
                chain, options, self._code(chain), self.environ, self._keep_session(chain), root
            )
            return Obtained(profile, provider.retrieve(), region)

        return agent_or_direct(self.environ, through_agent, direct)

    def _keep_session(self, chain: Chain) -> providers.Wrap:
        """Keeps the MFA session step in the run's store, keyed by what makes it."""

        def wrap(inner: providers.Provider, step: str) -> providers.Provider:
            if step != "session":
                return inner
            endpoint = getattr(inner, "endpoint", None)
            url = endpoint.url if isinstance(endpoint, Endpoint) else None
            key = repr((chain.source, chain.mfa_serial, url, getattr(inner, "duration", None)))
            source = chain.source.profile
            caller = Caller(has_code=self.given.code is not None)
            return Kept(self._store, key, "mfa-session", source, chain.profile, inner, 0, caller)

        return wrap
