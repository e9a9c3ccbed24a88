"""AWS's rules for how long STS credentials may last, and the table that picks the calls
(ARCHITECTURE.md, "Which STS calls"): `plan()` applies it in one place, with whether the
root's keys are temporary as an input, and says under --debug which row it took and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from awsmfa_exec import log
from awsmfa_exec.config import Chain, RoleHop
from awsmfa_exec.duration import describe
from awsmfa_exec.errors import UsageError
from awsmfa_exec.options import Options

ASSUME_ROLE_RANGE = (900, 43200)
SESSION_TOKEN_RANGE = (900, 129600)
CHAINED_MAX = 3600
DEFAULT_ROLE_DURATION = 3600
DEFAULT_SESSION_DURATION = 12 * 3600


@dataclass(frozen=True)
class Hop:
    """One AssumeRole: how long to ask for, and whether the MFA code goes with it."""

    role: RoleHop
    duration: int
    with_code: bool


@dataclass(frozen=True)
class Steps:
    """The STS calls that turn a chain's keys into its final credentials."""

    session: int | None  # GetSessionToken's DurationSeconds; None: no GetSessionToken
    session_with_code: bool
    hops: tuple[Hop, ...]


def check_range(seconds: int, action: str, what: str) -> None:
    """A usage error (exit 2) when `seconds` is outside what `action` accepts; `what` names
    the setting and its value."""
    low, high = SESSION_TOKEN_RANGE if action == "GetSessionToken" else ASSUME_ROLE_RANGE
    if not low <= seconds <= high:
        raise UsageError(
            f"{what} is out of range: {action} accepts {describe(low)} to {describe(high)} "
            f"({low} to {high} seconds)"
        )


def _check_configured(chain: Chain) -> None:
    if (seconds := chain.mfa_session_duration) is not None:
        what = f"mfa_session_duration = {seconds} (profile {chain.profile})"
        check_range(seconds, "GetSessionToken", what)
    for hop in chain.hops:
        if hop.duration_seconds is not None:
            what = f"duration_seconds = {hop.duration_seconds} of role profile {hop.profile}"
            check_range(hop.duration_seconds, "AssumeRole", what)


def final_duration(chain: Chain, options: Options) -> int:
    """What the final credentials should last, checked against the final call's range."""
    if chain.hops:
        wanted = options.duration or chain.hops[-1].duration_seconds or DEFAULT_ROLE_DURATION
        action, whose = "AssumeRole", f"role profile {chain.profile}"
    else:
        wanted = options.duration or chain.duration_seconds or session_duration(chain)
        action, whose = "GetSessionToken", chain.profile
    if options.duration:
        check_range(wanted, action, f"-d {describe(wanted)} for {whose}")
    return wanted


def session_duration(chain: Chain) -> int:
    return chain.mfa_session_duration or DEFAULT_SESSION_DURATION


def _chained(hop: RoleHop, wanted: int, final: bool) -> int:
    """A chained hop's duration: at most 1 h, with one note when the final one is cut."""
    if wanted <= CHAINED_MAX:
        return wanted
    if final:
        log.note(
            f"{hop.profile} is reached through another role; AWS limits chained role "
            f"sessions to 1h, so its credentials last 1h, not {describe(wanted)}"
        )
    else:
        log.debug(f"{hop.profile}: a chained hop, so 1h rather than {describe(wanted)}")
    return CHAINED_MAX


def _hops(chain: Chain, final: int, *, first_direct: bool, code_first: bool) -> tuple[Hop, ...]:
    hops = []
    last = len(chain.hops) - 1
    for index, hop in enumerate(chain.hops):
        wanted = final if index == last else hop.duration_seconds or DEFAULT_ROLE_DURATION
        direct = index == 0 and first_direct
        duration = wanted if direct else _chained(hop, wanted, index == last)
        hops.append(Hop(hop, duration, with_code=code_first and index == 0))
    return tuple(hops)


def check(chain: Chain, options: Options) -> int:
    """The settings' and options' own errors, before any key is read; the final duration."""
    _check_configured(chain)
    final = final_duration(chain, options)
    if options.no_session and not chain.hops:
        origin = chain.source.origin
        has = "keys and no role_arn"
        if origin not in ("profile", "keyring"):
            has = f"its credentials from a {origin} root, with no role above it"
        raise UsageError(f"--no-session needs a role profile; {chain.profile} has {has}")
    return final


def _as_they_are(chain: Chain, options: Options) -> Steps:
    """Temporary credentials with no role above them: no call, the SDKs' rule."""
    unused = [f"mfa_serial = {chain.mfa_serial}"] if chain.mfa_serial else []
    unused += [f"-d {describe(options.duration)}"] if options.duration else []
    origin = chain.source.origin
    what = "temporary keys" if origin in ("profile", "keyring") else f"{origin} credentials"
    if unused:
        log.note(
            f"{chain.profile}'s {what} are used as they are, so "
            f"{' and '.join(unused)} has no effect: no STS call is made for them"
        )
    log.debug("temporary credentials, no role: used as they are, no STS call")
    return Steps(None, False, ())


def plan(chain: Chain, options: Options, temporary: bool) -> Steps:
    """The row of the table for `chain` and `options`, with the durations to ask for, when
    the chain's keys are `temporary` (they carry a session token) or not."""
    final = check(chain, options)
    has_mfa = chain.mfa_serial is not None
    roles = len(chain.hops)
    if not roles:
        if temporary:
            return _as_they_are(chain, options)
        why = "with MFA" if has_mfa else "without MFA (no mfa_serial): no long-term keys out"
        log.debug(f"keys, no role: GetSessionToken {why} for {describe(final)}")
        return Steps(final, has_mfa, ())
    if temporary:
        log.debug(
            "the keys are temporary (they carry a session token): no GetSessionToken, and "
            "every AssumeRole is chained (at most 1h)"
        )
        return Steps(None, False, _hops(chain, final, first_direct=False, code_first=has_mfa))
    if options.no_session or not has_mfa:
        why = "--no-session" if options.no_session else "no mfa_serial in the chain"
        code = ", the MFA code with it" if has_mfa else ""
        log.debug(f"{why}: the first AssumeRole straight from the long-term keys{code}")
        return Steps(None, False, _hops(chain, final, first_direct=True, code_first=has_mfa))
    if roles == 1 and final > CHAINED_MAX:
        log.debug(
            f"one role for {describe(final)}, more than the 1h AWS allows a role assumed with "
            "an MFA session: AssumeRole with the MFA code straight from the long-term keys"
        )
        return Steps(None, False, _hops(chain, final, first_direct=True, code_first=True))
    session = session_duration(chain)
    if roles == 1:
        log.debug(
            f"one role for {describe(final)}: GetSessionToken with MFA for {describe(session)} "
            "(the MFA session every role shares), then AssumeRole with it"
        )
    else:
        log.debug(
            f"{roles} roles: GetSessionToken with MFA for {describe(session)}, then one "
            "AssumeRole per hop, each chained and so at most 1h"
        )
    return Steps(session, True, _hops(chain, final, first_direct=False, code_first=False))
