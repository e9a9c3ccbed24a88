"""`awsmfa status`: what the current environment holds, and for how long.

Without `--verify` nothing leaves the machine: `AWSMFA_PROFILE` and the profile's
`role_arn` (or `mfa_serial`) name the account; `--verify` asks STS GetCallerIdentity.
Exit 0 when valid credentials are present, 1 when there are none or they expired.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from awsmfa_exec import log
from awsmfa_exec.arrange import profile_of
from awsmfa_exec.credentials import Credentials, mask_key_id, parse_expiration
from awsmfa_exec.duration import countdown
from awsmfa_exec.environ import credentials_in, region_in
from awsmfa_exec.errors import AuthError, AwsmfaError, ExitCode


@dataclass(frozen=True)
class Status:
    profile: str | None
    valid: bool
    seconds_left: int | None
    expiration: str | None
    access_key_id: str | None
    account: str | None
    role: str | None
    arn: str | None
    region: str | None
    identity_from: str | None  # "config" (the profile's role_arn), "sts" (--verify), None
    problem: str | None = None  # why valid is false: "none", "expired", or STS's refusal
    # "environment" (the key variables), "endpoint" (the one `exec --server` runs), None
    credentials_from: str | None = None


@dataclass(frozen=True)
class Principal:
    account: str | None
    role: str | None
    arn: str | None


def parse_arn(arn: str) -> Principal:
    """Account and role name of a role or assumed-role ARN; the account alone otherwise."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return Principal(None, None, None)
    account, resource = parts[4] or None, parts[5]
    role = None
    if resource.startswith(("role/", "assumed-role/")):
        # role/path/name -> name; assumed-role/name/session -> name
        pieces = resource.split("/")
        role = pieces[-1] if pieces[0] == "role" else pieces[1]
    return Principal(account, role, arn)


def _endpoint_credentials(environ: Mapping[str, str]) -> Credentials | None:
    """What the loopback container-credentials endpoint of `exec --server` serves, asked
    the way an SDK asks it; None when there is none or it does not answer."""
    import urllib.request

    from awsmfa_exec.proxies import loopback, urlopen

    url = environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
    token = environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN", "")
    if not token or not url.startswith("http://") or not loopback(url):
        return None  # not ours: status uses no network
    request = urllib.request.Request(url, headers={"Authorization": token})  # noqa: S310
    try:
        with urlopen(request, timeout=10) as answer:
            body = json.load(answer)
        expiration = parse_expiration(str(body.get("Expiration", "")))
        return Credentials(body["AccessKeyId"], body["SecretAccessKey"], body["Token"], expiration)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.debug(f"status: the endpoint at {url} did not answer: {type(exc).__name__}")
        return None


def _from_config(profile: str, environ: Mapping[str, str]) -> Principal:
    from awsmfa_exec.config import Files, load_profiles

    try:
        values = load_profiles(Files.from_environ(environ)).get(profile, {})
    except AwsmfaError as exc:
        log.debug(f"status: cannot read the config: {exc.message}")
        return Principal(None, None, None)
    role_arn = values.get("role_arn")
    if role_arn:
        return parse_arn(str(role_arn))
    serial = values.get("mfa_serial")  # a keys profile: its MFA device names the account
    return Principal(parse_arn(str(serial)).account if serial else None, None, None)


def _from_sts(creds: Credentials, profile: str | None, environ: Mapping[str, str]) -> Principal:
    from awsmfa_exec.sts import Endpoint, caller_identity

    endpoint = Endpoint.from_environ(environ, profile, None)
    identity = caller_identity(endpoint, creds, whose=profile or "this environment")
    found = parse_arn(identity.arn)
    return Principal(identity.account, found.role, identity.arn)


def inspect(environ: Mapping[str, str], verify: bool) -> Status:
    profile = environ.get("AWSMFA_PROFILE") or None
    region = region_in(environ)
    creds, served_by = credentials_in(environ), "environment"
    if creds is None:
        creds, served_by = _endpoint_credentials(environ), "endpoint"
    if creds is None:  # what `exec` with no PROFILE would use
        profile = profile_of(profile, environ) or None
        return Status(profile, False, None, None, None, None, None, None, region, None, "none")
    left = creds.seconds_left()
    valid = left > 0
    problem = None if valid else "expired"
    principal, origin = Principal(None, None, None), None
    if valid and verify:
        try:
            principal, origin = _from_sts(creds, profile, environ), "sts"
        except AuthError as exc:
            valid, problem = False, exc.message
    if origin is None and profile:
        principal = _from_config(profile, environ)
        origin = "config" if principal.account or principal.role else None
    return Status(
        profile=profile,
        valid=valid,
        seconds_left=None if math.isinf(left) else max(0, int(left)),
        expiration=creds.expires_text,
        access_key_id=mask_key_id(creds.access_key_id),
        account=principal.account,
        role=principal.role,
        arn=principal.arn,
        region=region,
        identity_from=origin,
        problem=problem,
        credentials_from=served_by,
    )


_ENDPOINT = "the exec --server endpoint (refreshes itself)"


def describe(status: Status) -> str:
    """The human summary, one `key: value` line each."""
    left = "no expiry (long-term keys)"
    if status.seconds_left is not None:
        left = countdown(status.seconds_left) + f" (until {status.expiration})"
    lines = [
        ("profile", status.profile or "- (not set by awsmfa)"),
        ("account", status.account or "-"),
        ("role", status.role or "-"),
        ("arn", status.arn),
        ("region", status.region or "-"),
        ("key", status.access_key_id),
        ("served by", _ENDPOINT if status.credentials_from == "endpoint" else None),
        ("expires in", left if status.problem != "expired" else f"expired at {status.expiration}"),
    ]
    return "".join(f"{name + ':':<12}{value}\n" for name, value in lines if value)


def run_status(environ: Mapping[str, str], as_json: bool, verify: bool) -> int:
    status = inspect(environ, verify)
    if as_json:
        sys.stdout.write(json.dumps(asdict(status), indent=2) + "\n")
    elif status.problem != "none":
        sys.stdout.write(describe(status))
    sys.stdout.flush()
    whose = status.profile or "this environment"
    if status.problem == "none":
        default = profile_of(None, environ)
        start = f"-- ... (PROFILE is AWS_PROFILE, {default})" if default else "PROFILE -- ..."
        log.note(f"no AWS credentials in this environment; start with: awsmfa exec {start}")
    elif status.problem == "expired":
        log.note(f"the credentials of {whose} expired; run awsmfa again for fresh ones")
    elif status.problem:
        log.note(f"STS does not accept the credentials of {whose}: {status.problem}")
    return ExitCode.OK if status.valid else ExitCode.FAILURE
