"""The variables a child gets (`exec`) or a shell exports (`env`); docs/commands.md lists them."""

from __future__ import annotations

from awsmfa_exec.credentials import Credentials, parse_expiration
from awsmfa_exec.margin import REFRESH_MARGIN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

SET = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWSMFA_PROFILE",
)
REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_FILE",
    "AWS_SDK_LOAD_CONFIG",
    "AWSMFA_TOKEN_CODE",  # single-use, and no business of the command's
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)


def exported(creds: Credentials, profile: str, region: str | None) -> dict[str, str | None]:
    """What changes: a value to set, or None to unset."""
    changes: dict[str, str | None] = dict.fromkeys(REMOVED)
    changes.update(
        AWS_ACCESS_KEY_ID=creds.access_key_id,
        AWS_SECRET_ACCESS_KEY=creds.secret_access_key,
        AWS_SESSION_TOKEN=creds.session_token,
        AWS_CREDENTIAL_EXPIRATION=creds.expires_text,
        AWSMFA_PROFILE=profile,
    )
    if region:
        changes.update(AWS_REGION=region, AWS_DEFAULT_REGION=region)
    return changes


def unset_all() -> dict[str, str | None]:
    """What `env --unset` removes: every variable `exported` sets."""
    return dict.fromkeys(SET)


def withdrawn() -> dict[str, str | None]:
    """What a failed `env` removes (fails closed): every variable that a switch would set or
    remove but the region, which grants nothing, so no other profile's keys stay."""
    return dict.fromkeys(key for key in (*SET, *REMOVED) if "REGION" not in key)


def apply(base: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    env = dict(base)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def credentials_in(environ: Mapping[str, str]) -> Credentials | None:
    """The AWS_* credentials `environ` holds (with their expiry when it is given), if any."""
    key_id = environ.get("AWS_ACCESS_KEY_ID")
    secret = environ.get("AWS_SECRET_ACCESS_KEY")
    if not key_id or not secret:
        return None
    expiration = parse_expiration(environ.get("AWS_CREDENTIAL_EXPIRATION", ""))
    return Credentials(key_id, secret, environ.get("AWS_SESSION_TOKEN") or None, expiration)


def region_in(environ: Mapping[str, str]) -> str | None:
    """AWS_REGION, else AWS_DEFAULT_REGION, as the SDKs read them."""
    return environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None


def inherited(environ: Mapping[str, str], profile: str) -> Credentials | None:
    """Credentials a parent awsmfa put in `environ` for `profile`, if still good for 5 min."""
    if environ.get("AWSMFA_PROFILE") != profile:
        return None
    creds = credentials_in(environ)
    if creds is None or creds.expiration is None:
        return None
    return creds if creds.valid_for(REFRESH_MARGIN) else None
