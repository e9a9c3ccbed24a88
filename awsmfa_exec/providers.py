"""Credential providers composed by wrapping: keys -> MFA session -> role -> role ...

Each provider has one method, `retrieve()`. `build()` walks a resolved `Chain` and wraps
one provider around the next, saying under --debug why it chose each step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from awsmfa_exec import log, sts
from awsmfa_exec.config import CHAINED_ROLE_MAX, DEFAULT_ROLE_DURATION, Chain, RoleHop
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.duration import describe
from awsmfa_exec.errors import UsageError
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.options import Options as Options  # noqa: PLC0414 - re-exported for callers

SESSION_DURATION = 12 * 3600


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
    """AssumeRole with the source's credentials; with the MFA code only under --no-session."""

    source: Provider
    endpoint: sts.Endpoint
    hop: RoleHop
    duration: int
    mfa: MfaCode | None = None
    keys_of: str | None = None  # the profile whose keys sign, named when STS refuses them

    def retrieve(self) -> Credentials:
        creds = self.source.retrieve()
        hop, mfa = self.hop, self.mfa

        def call(code: str | None) -> Credentials:
            return sts.assume_role(
                self.endpoint,
                creds,
                whose=hop.profile,
                role_arn=hop.role_arn,
                session_name=hop.session_name,
                duration=self.duration,
                external_id=hop.external_id,
                serial=mfa.serial if mfa else None,
                code=code,
                keys_of=self.keys_of,
            )

        return mfa.call(call) if mfa else call(None)


def _role_duration(chain: Chain, index: int, options: Options) -> int:
    hop = chain.hops[index]
    final = index == len(chain.hops) - 1
    wanted = (options.duration if final else None) or hop.duration_seconds or DEFAULT_ROLE_DURATION
    if index > 0 and wanted > CHAINED_ROLE_MAX:
        log.note(
            f"{hop.profile} is reached through another role; AWS limits chained role "
            f"sessions to 1h, so its credentials last 1h, not {describe(wanted)}"
        )
        return CHAINED_ROLE_MAX
    return wanted


def build(
    chain: Chain,
    options: Options,
    mfa: MfaCode,
    endpoint: sts.Endpoint,
    wrap: Wrap = _unwrapped,
) -> Provider:
    """The provider chain that turns `chain`'s long-term keys into its final credentials.

    `wrap` lets the agent hold the MFA session and the final role credentials.
    """
    source = chain.source
    where = "the environment" if source.origin == "environment" else f"profile {source.profile}"
    log.debug(f"{chain.profile}: long-term keys from {where}")
    provider: Provider = StaticProvider(source.credentials)
    has_mfa = chain.mfa_serial is not None
    if options.no_session:
        if not chain.hops:
            raise UsageError(
                f"--no-session needs a role profile; {chain.profile} has keys and no role_arn"
            )
        log.debug("--no-session: the first AssumeRole carries the MFA code")
    else:
        duration = options.duration if not chain.hops and options.duration else SESSION_DURATION
        if has_mfa:
            log.debug(f"GetSessionToken with MFA {chain.mfa_serial} for {describe(duration)}")
        elif chain.hops:
            log.debug("no mfa_serial in the chain: AssumeRole straight from the long-term keys")
        else:
            log.debug("no mfa_serial: GetSessionToken without MFA, to hand out no long-term keys")
        if has_mfa or not chain.hops:
            provider = wrap(
                SessionTokenProvider(
                    provider, endpoint, source.profile, duration, mfa if has_mfa else None
                ),
                "session",
            )
    for index, hop in enumerate(chain.hops):
        duration = _role_duration(chain, index, options)
        with_code = options.no_session and index == 0 and has_mfa
        log.debug(f"AssumeRole {hop.role_arn} for {hop.profile}, {describe(duration)}")
        keys_of = chain.hops[index - 1].profile if index else source.profile
        provider = AssumeRoleProvider(
            provider, endpoint, hop, duration, mfa if with_code else None, keys_of
        )
    return wrap(provider, "final") if chain.hops else provider
