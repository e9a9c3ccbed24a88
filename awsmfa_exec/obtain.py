"""From a profile name to final credentials: reuse what the environment holds, else ask the
session agent, else STS directly.

Light to import: the config parser, the providers and STS are loaded only on the direct
path, so an answer from the agent costs no botocore at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from awsmfa_exec import agent, log
from awsmfa_exec import environ as env_vars
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.request import GivenCode, Obtained, Request, given_code

T = TypeVar("T")

if TYPE_CHECKING:
    from awsmfa_exec.config import Chain
    from awsmfa_exec.providers import Provider


def obtain(request: Request, environ: Mapping[str, str]) -> Obtained:
    """Credentials for `request.profile`, with the region the child should see."""
    given = given_code(request, environ)
    reused = reuse_inherited(request, environ)
    if reused is not None:
        return reused

    def through_agent() -> Obtained | None:
        from awsmfa_exec.agent.client import obtain_through_agent

        return obtain_through_agent(request, environ, given)

    def direct() -> Obtained:
        planned = plan(request, environ, given)
        return Obtained(request.profile, planned.provider.retrieve(), planned.region)

    got = agent_or_direct(environ, through_agent, direct)
    _note_unneeded_code(request, environ)
    return got


def reuse_inherited(request: Request, environ: Mapping[str, str]) -> Obtained | None:
    """The credentials a parent awsmfa left in the environment for this profile, when they
    have life left and the request asks for nothing they might not have (-d, --no-session)."""
    options = request.options
    if options.duration is not None or options.no_session:
        return None
    reused = env_vars.inherited(environ, request.profile)
    if reused is None:
        return None
    log.debug(f"reusing the {request.profile} credentials this environment already holds")
    return Obtained(request.profile, reused, options.region or env_vars.region_in(environ))


def agent_or_direct(
    environ: Mapping[str, str], through_agent: Callable[[], T | None], direct: Callable[[], T]
) -> T:
    """The one choice between the session agent and STS in this process, for `exec`, `env`
    and `exec --server`: `through_agent()` unless AWSMFA_AGENT=off, and `direct()` when
    that is off or gives None (no agent could be used; the client has said why)."""
    if not agent.enabled(environ):
        log.debug("AWSMFA_AGENT=off: no session agent, straight to STS")
        return direct()
    got = through_agent()
    return direct() if got is None else got


def _note_unneeded_code(request: Request, environ: Mapping[str, str]) -> None:
    """After success: a code given with -t to a chain without mfa_serial gets one note."""
    if request.token_code is None:
        return
    from awsmfa_exec.config import load_chain

    if load_chain(request.profile, environ).mfa_serial is None:
        log.note(
            f"the code given with --token-code was not needed: neither {request.profile} nor "
            "a profile down its source_profile chain has an mfa_serial, so no MFA is used"
        )


@dataclass(frozen=True)
class Planned:
    """The provider chain for a profile, resolved from the files and not yet called."""

    profile: str
    provider: Provider
    region: str | None


def plan(request: Request, environ: Mapping[str, str], given: GivenCode | None = None) -> Planned:
    """The provider chain of the direct path; `exec --server` keeps it to refresh from."""
    from awsmfa_exec import providers
    from awsmfa_exec.config import load_chain
    from awsmfa_exec.prompts import Asking

    given = given or given_code(request, environ)
    chain = load_chain(request.profile, environ)
    mfa = MfaCode(
        chain.mfa_serial,
        given=given.code,
        given_origin=given.origin,
        asking=Asking.of(chain),
        profile=request.profile,
        environ=environ,
    )
    root = direct_root(chain, environ, request.options.region or chain.region)
    provider, region = providers.for_chain(chain, request.options, mfa, environ, root=root)
    return Planned(request.profile, provider, region)


def direct_root(chain: Chain, environ: Mapping[str, str], region: str | None) -> Provider | None:
    """What fetches the chain's root in this process, when botocore resolves it."""
    if not chain.source.deferred:
        return None
    from awsmfa_exec.config import Files
    from awsmfa_exec.roots import BotocoreRoot

    return BotocoreRoot(chain.source, Files.from_environ(environ), environ, region)
