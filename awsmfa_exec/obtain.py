"""From a profile name to final credentials: reuse what the environment holds, else ask the
session agent, else STS directly.

Light to import: the config parser, the providers and STS are loaded only on the direct
path, so an answer from the agent costs no botocore at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from awsmfa_exec import agent, log
from awsmfa_exec import environ as env_vars
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.mfa import MfaCode, check_code
from awsmfa_exec.options import Options

if TYPE_CHECKING:
    from awsmfa_exec.config import Chain
    from awsmfa_exec.providers import Provider


@dataclass(frozen=True)
class Request:
    profile: str
    token_code: str | None = field(default=None, repr=False)
    options: Options = field(default_factory=Options)


@dataclass(frozen=True)
class Obtained:
    profile: str
    credentials: Credentials
    region: str | None


@dataclass(frozen=True)
class GivenCode:
    """A code the user passed up front, and where it came from (for error messages)."""

    code: str | None
    origin: str = ""


def make_request(
    profile: str,
    token_code: str | None,
    duration: str | None,
    region: str | None,
    no_session: bool,
) -> Request:
    """A request from the credential options as the command line gives them."""
    from awsmfa_exec.duration import parse_duration

    options = Options(
        duration=parse_duration(duration) if duration is not None else None,
        region=region or None,
        no_session=no_session,
    )
    return Request(profile=profile, token_code=token_code, options=options)


def given_code(request: Request, environ: Mapping[str, str]) -> GivenCode:
    if request.token_code is not None:
        return GivenCode(check_code(request.token_code, "--token-code"), "--token-code")
    if environ.get("AWSMFA_TOKEN_CODE"):
        code = check_code(environ["AWSMFA_TOKEN_CODE"], "AWSMFA_TOKEN_CODE")
        return GivenCode(code, "AWSMFA_TOKEN_CODE")
    return GivenCode(None)


def obtain(request: Request, environ: Mapping[str, str]) -> Obtained:
    """Credentials for `request.profile`, with the region the child should see."""
    given = given_code(request, environ)
    options = request.options
    reused = env_vars.inherited(environ, request.profile)
    if reused is not None and options.duration is None and not options.no_session:
        log.debug(f"reusing the {request.profile} credentials this environment already holds")
        region = options.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
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
    from awsmfa_exec.sts import Endpoint

    given = given or given_code(request, environ)
    chain = load_chain(request.profile, environ)
    region = request.options.region or chain.region
    mfa = MfaCode(
        chain.mfa_serial,
        given=given.code,
        given_origin=given.origin,
        asking=Asking.of(chain),
        profile=request.profile,
        environ=environ,
    )
    endpoint = Endpoint.from_environ(environ, chain.settings, region)
    root = direct_root(chain, environ, region)
    provider = providers.build(chain, request.options, mfa, endpoint, root=root)
    return Planned(request.profile, provider, region)


def direct_root(chain: Chain, environ: Mapping[str, str], region: str | None) -> Provider | None:
    """What fetches the chain's root in this process, when botocore resolves it."""
    if not chain.source.deferred:
        return None
    from awsmfa_exec.config import Files
    from awsmfa_exec.roots import BotocoreRoot

    return BotocoreRoot(chain.source, Files.from_environ(environ), environ, region)
