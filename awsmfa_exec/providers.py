"""Credential providers composed by wrapping: keys -> MFA session -> role -> role ...

Each provider has one method, `retrieve()`. `build()` wraps one provider around the next
for the calls that `rules.plan` picks (and explains under --debug) for a resolved `Chain`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from awsmfa_exec import log, role_limits, rules, sts
from awsmfa_exec.config import Chain, RoleHop
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.duration import describe
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.options import Options


class Provider(Protocol):
    def retrieve(self) -> Credentials: ...


# Wraps a step ("session": the MFA session, "final": the last role) in a caching provider.
Wrap = Callable[[Provider, str], Provider]


def _unwrapped(provider: Provider, step: str) -> Provider:
    return provider


@dataclass
class StaticProvider:
    credentials: Credentials

    def retrieve(self) -> Credentials:
        return self.credentials


@dataclass
class SessionTokenProvider:
    """GetSessionToken with the long-term keys, with the MFA code when there is a serial."""

    source: Provider
    endpoint: sts.Endpoint
    whose: str
    duration: int
    mfa: MfaCode | None

    def retrieve(self) -> Credentials:
        keys = self.source.retrieve()
        mfa = self.mfa
        if mfa is None:
            return sts.get_session_token(
                self.endpoint,
                keys,
                whose=self.whose,
                duration=self.duration,
                serial=None,
                code=None,
            )
        return mfa.call(
            lambda code: sts.get_session_token(
                self.endpoint,
                keys,
                whose=self.whose,
                duration=self.duration,
                serial=mfa.serial,
                code=code,
            )
        )


@dataclass
class AssumeRoleProvider:
    """AssumeRole with the source's credentials, and the MFA code when it goes with it.

    A role whose MaxSessionDuration is below `duration` gets the most it allows
    (`role_limits`)."""

    source: Provider
    endpoint: sts.Endpoint
    hop: RoleHop
    duration: int
    mfa: MfaCode | None = None
    keys_of: str | None = None  # the profile whose keys sign, named when STS refuses them

    def retrieve(self) -> Credentials:
        creds = self.source.retrieve()
        hop, mfa = self.hop, self.mfa

        def call(duration: int, code: str | None) -> Credentials:
            return sts.assume_role(
                self.endpoint,
                creds,
                whose=hop.profile,
                role_arn=hop.role_arn,
                session_name=hop.session_name,
                duration=duration,
                external_id=hop.external_id,
                serial=mfa.serial if mfa else None,
                code=code,
                keys_of=self.keys_of,
            )

        def assume(duration: int) -> Credentials:
            return mfa.call(lambda code: call(duration, code)) if mfa else call(duration, None)

        url = self.endpoint.url
        return role_limits.within_limit(url, hop.role_arn, hop.profile, self.duration, assume)


def for_chain(
    chain: Chain,
    options: Options,
    mfa: MfaCode,
    environ: Mapping[str, str],
    wrap: Wrap = _unwrapped,
    root: Provider | None = None,
    expect_temporary: bool | None = None,
) -> tuple[Provider, str | None]:
    """The provider chain for `chain` (`build`), and the region the child gets: the
    options' region, else the chain's. STS is reached as `environ` and the profile say.
    Every path that calls STS starts here: `obtain.plan`, the agent's `get`, `each`."""
    region = options.region or chain.region
    endpoint = sts.Endpoint.from_environ(environ, chain.settings, region)
    return build(chain, options, mfa, endpoint, wrap, root, expect_temporary), region


class RootKindChanged(Exception):
    """The root gave credentials of the other kind (temporary or long-term) than the chain
    was built for; they are in `credentials`, for the chain to be built on."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__("the root gave the other kind of credentials")
        self.credentials = credentials


@dataclass
class ExpectedRoot:
    """The root of a chain built on what it gave last time: fetched once, and refused
    (RootKindChanged) when it now gives the other kind."""

    root: Provider
    temporary: bool
    got: Credentials | None = field(default=None, repr=False)

    def retrieve(self) -> Credentials:
        if self.got is None:
            self.got = self.root.retrieve()
        if (self.got.session_token is not None) != self.temporary:
            raise RootKindChanged(self.got)
        return self.got


def _stand_in(temporary: bool) -> Credentials:
    """What a chain is planned on before its root is fetched: only its kind is read."""
    return Credentials("(not fetched)", "", "(not fetched)" if temporary else None)


@dataclass
class RootFirst:
    """A chain whose root botocore resolves: whether its credentials are temporary (no
    GetSessionToken, every role chained) decides the rest of the chain. Fetched only when
    called: credentials held for the whole chain (the agent's `final` step) need no root
    at all.

    `expect_temporary` is what the root gave last time (None: unknown). Unknown, the root
    is fetched first and the chain built on its credentials. Known, and with a role above
    it, the chain is built at once, so an MFA session the agent holds serves without the
    root; a root that then gives the other kind gets the chain rebuilt on what it gave."""

    chain: Chain
    options: Options
    mfa: MfaCode
    endpoint: sts.Endpoint
    root: Provider
    wrap: Wrap = _unwrapped
    expect_temporary: bool | None = None
    built: Provider | None = field(default=None, repr=False)

    def settle(self) -> Provider:
        """The chain built on the root's credentials, fetching them now if not yet (unless
        their kind is expected)."""
        if self.built is None:
            expect = self.expect_temporary
            if expect is None or not self.chain.hops:
                self.built = self._build_on(self.root.retrieve(), self.root)
            else:
                kind = "temporary credentials" if expect else "long-term keys"
                log.debug(
                    f"{self.chain.source.profile} gave {kind} last time: the chain is built "
                    "for them, and the root is fetched only if a call needs it"
                )
                expected = ExpectedRoot(self.root, expect)
                self.built = self._build_on(_stand_in(expect), expected)
        return self.built

    def _build_on(self, creds: Credentials, root: Provider) -> Provider:
        source = replace(self.chain.source, credentials=creds)
        chain = replace(self.chain, source=source)
        return build(chain, self.options, self.mfa, self.endpoint, self.wrap, root=root)

    def retrieve(self) -> Credentials:
        try:
            return self.settle().retrieve()
        except RootKindChanged as changed:
            got = changed.credentials
            kind = "temporary credentials" if got.session_token else "long-term keys"
            log.debug(f"{self.chain.source.profile} now gives {kind}: the chain is built anew")
            self.built = self._build_on(got, StaticProvider(got))
            return self.built.retrieve()


def build(
    chain: Chain,
    options: Options,
    mfa: MfaCode,
    endpoint: sts.Endpoint,
    wrap: Wrap = _unwrapped,
    root: Provider | None = None,
    expect_temporary: bool | None = None,
) -> Provider:
    """The provider chain that turns `chain`'s long-term keys into its final credentials,
    as the table of `rules.plan` says.

    `wrap` lets the agent hold the MFA session and the final role credentials. `root`
    fetches the credentials of a root botocore resolves (`config.Source.deferred`);
    `expect_temporary` is whether they were temporary last time, if known (`RootFirst`).
    """
    source = chain.source
    if source.deferred:
        if root is None:
            raise ValueError(f"{chain.profile}: a {source.origin} root needs a root provider")
        rules.check(chain, options)  # the settings' own errors, before the root is fetched
        outer = "final" if chain.hops else "session"

        def inner(provider: Provider, step: str) -> Provider:  # the outer step is wrapped once
            return provider if step == outer else wrap(provider, step)

        first = RootFirst(chain, options, mfa, endpoint, root, inner, expect_temporary)
        return wrap(first, outer)
    where = "the environment" if source.origin == "environment" else f"profile {source.profile}"
    what = f"{source.origin} credentials" if root is not None else "long-term keys"
    log.debug(f"{chain.profile}: {what} from {where}")
    steps = rules.plan(chain, options)
    provider: Provider = root or StaticProvider(source.credentials)
    if steps.session is not None:
        with_code = mfa if steps.session_with_code else None
        session = SessionTokenProvider(provider, endpoint, source.profile, steps.session, with_code)
        provider = wrap(session, "session")
    for index, step in enumerate(steps.hops):
        hop = step.role
        code = " with the MFA code" if step.with_code else ""
        log.debug(f"AssumeRole {hop.role_arn} for {hop.profile}, {describe(step.duration)}{code}")
        keys_of = steps.hops[index - 1].role.profile if index else source.profile
        provider = AssumeRoleProvider(
            provider, endpoint, hop, step.duration, mfa if step.with_code else None, keys_of
        )
    return wrap(provider, "final") if steps.hops else provider
