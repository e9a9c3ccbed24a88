"""From a profile name to final credentials: reuse what the environment holds, else STS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from awsmfa_exec import environ as env_vars
from awsmfa_exec import log, providers
from awsmfa_exec.config import load_chain
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.mfa import MfaCode, check_code
from awsmfa_exec.sts import Endpoint


@dataclass(frozen=True)
class Request:
    profile: str
    token_code: str | None = field(default=None, repr=False)
    options: providers.Options = field(default_factory=providers.Options)


@dataclass(frozen=True)
class Obtained:
    profile: str
    credentials: Credentials
    region: str | None


def _given_code(request: Request, environ: Mapping[str, str]) -> tuple[str | None, str]:
    if request.token_code is not None:
        return check_code(request.token_code, "--token-code"), "--token-code"
    if environ.get("AWSMFA_TOKEN_CODE"):
        return check_code(environ["AWSMFA_TOKEN_CODE"], "AWSMFA_TOKEN_CODE"), "AWSMFA_TOKEN_CODE"
    return None, ""


def obtain(request: Request, environ: Mapping[str, str]) -> Obtained:
    """Credentials for `request.profile`, with the region the child should see."""
    given, origin = _given_code(request, environ)
    options = request.options
    reused = env_vars.inherited(environ, request.profile)
    if reused is not None and options.duration is None and not options.no_session:
        log.debug(f"reusing the {request.profile} credentials this environment already holds")
        region = options.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
        return Obtained(request.profile, reused, region)
    chain = load_chain(request.profile, environ)
    region = options.region or chain.region
    mfa = MfaCode(
        chain.mfa_serial,
        given=given,
        given_origin=origin,
        process=chain.mfa_process,
        profile=request.profile,
    )
    endpoint = Endpoint.from_environ(environ, chain.settings, region)
    creds = providers.build(chain, options, mfa, endpoint).retrieve()
    return Obtained(request.profile, creds, region)
