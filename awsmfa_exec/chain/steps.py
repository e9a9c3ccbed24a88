"""The STS calls of a chain as providers wrapped one around the next (keys -> MFA session ->
role ...), what carries the MFA code and the final role kept by `Cached`. `credentials()` is
the one way in, for the direct path, the agent, `each` and `exec --server` alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from awsmfa_exec import log, role_limits, sts
from awsmfa_exec.chain import plan
from awsmfa_exec.chain.cache import Use, first_role_key, identity, role_key, root_key, session_key
from awsmfa_exec.config import Chain, RoleHop
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.duration import describe
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.options import Options


class Provider(Protocol):
    def retrieve(self) -> Credentials: ...


@dataclass
class StaticProvider:
    credentials: Credentials

    def retrieve(self) -> Credentials:
        return self.credentials


@dataclass
class Cached:
    """A step whose result the cache keeps, made once however many ask at once."""

    use: Use
    key: str
    kind: str  # "mfa-session", "role" or "root" (a root botocore resolves, alone)
    label: str  # whose credentials they are (the profile shown by `agent status`)
    user: str  # the profile asked for
    inner: Provider
    detail: str = ""  # what tells it apart from others of its kind and label

    def retrieve(self) -> Credentials:
        use, made = self.use, self.inner.retrieve
        what = (self.key, self.kind, self.label, self.user, made, use.margin, use.caller)
        return use.cache.get_or_make(*what, self.detail)


def _with_code(mfa: MfaCode | None, call: Callable[..., Credentials]) -> Credentials:
    """`call(serial=, code=)`, with the code from `mfa` when the code goes with the call."""
    if mfa is None:
        return call(serial=None, code=None)
    return mfa.call(lambda code: call(serial=mfa.serial, code=code))


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
        call = partial(
            sts.get_session_token, self.endpoint, keys, whose=self.whose, duration=self.duration
        )
        return _with_code(self.mfa, call)


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
        hop = self.hop
        call = partial(
            sts.assume_role,
            self.endpoint,
            self.source.retrieve(),
            whose=hop.profile,
            role_arn=hop.role_arn,
            session_name=hop.session_name,
            external_id=hop.external_id,
            keys_of=self.keys_of,
            extra=hop.session.params(),
        )

        def assume(duration: int) -> Credentials:
            return _with_code(self.mfa, partial(call, duration=duration))

        url = self.endpoint.url
        return role_limits.within_limit(url, hop.role_arn, hop.profile, self.duration, assume)


def _temporary(creds: Credentials) -> bool:
    return creds.session_token is not None


class RootKindChanged(Exception):
    """The root gave the other kind of credentials (temporary or long-term) than the chain
    was planned for; it is planned again on what the root gave (`FetchedRoot.got`)."""


@dataclass
class FetchedRoot:
    """A root botocore resolves, fetched once, when a call needs it. The cache is told which
    kind it gave; a kind other than `planned` (when the chain was planned before the fetch)
    raises RootKindChanged."""

    root: Callable[[], Credentials]
    use: Use
    chain: Chain
    planned: bool | None = None
    got: Credentials | None = field(default=None, repr=False)

    def retrieve(self) -> Credentials:
        if self.got is None:
            self.got = self.root()
            self.use.cache.remember_root(identity(self.chain), _temporary(self.got))
        if self.planned is not None and _temporary(self.got) != self.planned:
            raise RootKindChanged
        return self.got


def credentials(
    chain: Chain,
    options: Options,
    mfa: MfaCode,
    environ: Mapping[str, str],
    use: Use,
    root: Callable[[], Credentials] | None = None,
) -> tuple[Credentials, str | None]:
    """The final credentials of `chain`, and the region the child gets (the options', else
    the chain's). STS is reached as `environ` and the profile say; `root` fetches a root
    botocore resolves (`config.Source.deferred`).

    Such a root's kind decides the calls. Known from last time (the cache remembers it) and
    the chain is planned at once, so a held MFA session, or the root's own credentials held
    when no role is above it, serve without fetching the root; a root that then gives the
    other kind has the chain planned again on what it gave. Unknown, the root is fetched
    first."""
    region = options.region or chain.region
    endpoint = sts.Endpoint.from_environ(environ, chain.profile, region)
    source = chain.source
    if not source.deferred:
        keys = StaticProvider(source.credentials)
        return build(chain, options, mfa, endpoint, use, keys, source.temporary).retrieve(), region
    if root is None:
        raise ValueError(f"{chain.profile}: a {source.origin} root needs a root provider")
    plan.check(chain, options)  # the settings' own errors, before the root is fetched
    known = use.cache.root_temporary(identity(chain))
    fetched = FetchedRoot(root, use, chain, known)
    if known is not None:
        kind = "temporary credentials" if known else "long-term keys"
        log.debug(f"{source.profile} gave {kind} last time: the root is fetched if a call needs it")
        try:
            return build(chain, options, mfa, endpoint, use, fetched, known).retrieve(), region
        except RootKindChanged:
            log.debug(f"{source.profile} now gives the other kind: the chain is planned anew")
    fetched.planned = None
    got = fetched.retrieve()
    return build(chain, options, mfa, endpoint, use, fetched, _temporary(got)).retrieve(), region


def _shape(options: Options) -> str:
    """The options that key a role apart, as `agent status` shows them."""
    words = [f"-d {describe(options.duration)}"] if options.duration else []
    return " ".join([*words, *(["--no-session"] if options.no_session else [])])


def build(
    chain: Chain,
    options: Options,
    mfa: MfaCode,
    endpoint: sts.Endpoint,
    use: Use,
    root: Provider,
    temporary: bool,
) -> Provider:
    """The providers that turn `chain`'s root credentials (from `root`, `temporary` or not)
    into its final credentials, as `plan.plan` says. What carries the MFA code (the session,
    or a first role assumed with the code when more follow) and the final role are kept in
    `use`'s cache."""
    source = chain.source
    where = "the environment" if source.origin == "environment" else f"profile {source.profile}"
    what = f"{source.origin} credentials" if source.deferred else "long-term keys"
    log.debug(f"{chain.profile}: {what} from {where}")
    steps = plan.plan(chain, options, temporary)
    provider: Provider = root
    if steps.session is not None:
        with_code = mfa if steps.session_with_code else None
        session = SessionTokenProvider(provider, endpoint, source.profile, steps.session, with_code)
        key = session_key(chain, endpoint.url, steps.session)
        detail = describe(steps.session)
        provider = Cached(use, key, "mfa-session", source.profile, chain.profile, session, detail)
    for index, step in enumerate(steps.hops):
        hop = step.role
        code = " with the MFA code" if step.with_code else ""
        carries = f" ({hop.session.shown()})" if hop.session.shown() else ""
        what = f"{hop.role_arn} for {hop.profile}, {describe(step.duration)}{code}{carries}"
        log.debug(f"AssumeRole {what}")
        keys_of = steps.hops[index - 1].role.profile if index else source.profile
        provider = AssumeRoleProvider(
            provider, endpoint, hop, step.duration, mfa if step.with_code else None, keys_of
        )
        if step.with_code and index < len(steps.hops) - 1:  # the MFA session of what follows
            key = first_role_key(chain, endpoint.url, step.duration)
            detail = f"{describe(step.duration)}, a role"
            provider = Cached(use, key, "mfa-session", hop.profile, chain.profile, provider, detail)
    if steps.hops:
        key = role_key(chain, options, endpoint.url)
        provider = Cached(use, key, "role", chain.profile, chain.profile, provider, _shape(options))
    elif steps.session is None and source.deferred:  # the root's own, as they are
        provider = Cached(use, root_key(chain), "root", source.profile, chain.profile, provider)
    return provider
