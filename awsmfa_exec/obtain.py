"""From a profile name to final credentials: reuse what the environment holds, else ask the
session agent, else STS directly.

Light to import: the config parser, the providers and STS are loaded only on the direct
path, so an answer from the agent costs no botocore at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from awsmfa_exec import agent, log
from awsmfa_exec import environ as env_vars
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.request import GivenCode as GivenCode  # noqa: PLC0414 - for server/
from awsmfa_exec.request import Obtained as Obtained  # noqa: PLC0414 - for server/
from awsmfa_exec.request import Request as Request  # noqa: PLC0414 - for server/
from awsmfa_exec.request import given_code as given_code  # noqa: PLC0414 - for server/

if TYPE_CHECKING:
    from awsmfa_exec.config import Chain
    from awsmfa_exec.providers import Provider


def obtain(request: Request, environ: Mapping[str, str]) -> Obtained:
    """Credentials for `request.profile`, with the region the child should see."""
    given = given_code(request, environ)
    options = request.options
    reused = env_vars.inherited(environ, request.profile)
    if reused is not None and options.duration is None and not options.no_session:
        log.debug(f"reusing the {request.profile} credentials this environment already holds")
        region = options.region or env_vars.region_in(environ)
        return Obtained(request.profile, reused, region)
    if agent.enabled(environ):
        from awsmfa_exec.agent.client import obtain_through_agent

        got = obtain_through_agent(request, environ, given)
        if got is not None:
            _note_unneeded_code(request, environ)
            return got
    else:
        log.debug("AWSMFA_AGENT=off: no session agent, straight to STS")
    planned = plan(request, environ, given)
    got = Obtained(request.profile, planned.provider.retrieve(), planned.region)
    _note_unneeded_code(request, environ)
    return got


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
