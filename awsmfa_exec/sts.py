"""The only place that talks to AWS (STS, and IAM for `rotate`), through one client factory
(`client`), and the one translator of botocore's failures into `errors.py`'s kinds; no
message carries a secret. botocore is imported inside the functions.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.environ import region_in
from awsmfa_exec.errors import (
    AuthError,
    MfaCodeRejected,
    RoleLimitExceeded,
    StsThrottled,
    StsUnavailable,
    UsageError,
)
from awsmfa_exec.files import paths, signature
from awsmfa_exec.proxies import proxies_for

_SESSION_LOCK = threading.Lock()  # botocore sessions are not thread-safe; clients are

CONNECT_TIMEOUT = 3
READ_TIMEOUT = 5
TIMEOUT_VARIABLE = "AWSMFA_STS_TIMEOUT"
MAX_ATTEMPTS = 3

_BAD_KEYS = {
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "IncompleteSignature",
}
_THROTTLED = {"Throttling", "ThrottlingException", "RequestLimitExceeded"}
_UNAVAILABLE = {
    *_THROTTLED,
    "ServiceUnavailable",
    "InternalFailure",
    "InternalError",
    "RegionDisabledException",
}


_REGION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


def _region_name(region: str | None) -> str | None:
    """The region to call STS in, unless botocore would refuse the name (the child still
    gets the region as configured)."""
    if region is None or _REGION_NAME.match(region):
        return region
    log.debug(f"region {region!r} is not a region name; calling STS in the default region")
    return None


@dataclass(frozen=True)
class Timeouts:
    """How long one attempt may wait for STS: to connect, and for the answer (seconds)."""

    connect: float = CONNECT_TIMEOUT
    read: float = READ_TIMEOUT

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Timeouts:
        """The defaults, or `AWSMFA_STS_TIMEOUT` seconds for both (tests and tuning)."""
        raw = environ.get(TIMEOUT_VARIABLE, "").strip()
        if not raw:
            return cls()
        try:
            seconds = float(raw)
        except ValueError:
            seconds = 0.0
        if not 0 < seconds < float("inf"):
            raise UsageError(
                f"{TIMEOUT_VARIABLE} must be a positive number of seconds, not {raw!r}"
            )
        return cls(seconds, seconds)


@dataclass(frozen=True)
class Endpoint:
    """How to reach STS (or IAM): the settings botocore reads for `profile` from `files`
    (the config and credentials files), with `variables`, botocore's configuration taken
    from the caller's environment. `url` is the configured endpoint, None for botocore's
    own for the region (regional or legacy, FIPS, dual-stack, the region's partition)."""

    region: str
    url: str | None = None
    profile: str | None = None
    files: tuple[str, str] | None = None
    variables: tuple[tuple[str, Any], ...] = ()
    # A proxy URL may carry a password (http://user:password@host). None: botocore's own.
    proxies: Mapping[str, str] | None = field(default=None, repr=False)
    timeouts: Timeouts = field(default_factory=Timeouts)
    service: str = "sts"

    @classmethod
    def from_environ(
        cls,
        environ: Mapping[str, str],
        profile: str | None,
        region: str | None,
        service: str = "sts",
    ) -> Endpoint:
        """`profile`'s endpoint as botocore resolves it, `environ` standing for os.environ."""
        from botocore.configprovider import ConfiguredEndpointProvider

        files = paths(environ) if profile else None
        variables = _variables(environ)
        with _SESSION_LOCK:
            session = _session(files, profile, _stamps(files), variables)
            url = None
            if not session.get_config_variable("ignore_configured_endpoint_urls"):
                scoped, full = session.get_scoped_config(), session.full_config
                url = ConfiguredEndpointProvider(full, scoped, service, environ).provide()
        return cls(
            region=_region_name(region) or region_in(environ) or "us-east-1",
            url=url,
            profile=profile,
            files=files,
            variables=variables,
            proxies=proxies_for(url, environ),
            timeouts=Timeouts.from_environ(environ),
            service=service,
        )


# Read from the caller's environment, not from botocore's: awsmfa sets them itself.
_NOT_FROM_ENVIRON = {"profile", "region", "config_file", "credentials_file", "data_path"}


def _variables(environ: Mapping[str, str]) -> tuple[tuple[str, Any], ...]:
    """botocore's configuration variables that `environ` sets, converted as botocore does."""
    from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES as known

    found = []
    for name, (_, names, _, convert) in known.items():
        listed = [names] if isinstance(names, str) else names or []
        value = next((environ[n] for n in listed if n in environ), None)
        if value is not None and name not in _NOT_FROM_ENVIRON:
            found.append((name, convert(value) if convert else value))
    return tuple(found)


def _stamps(files: tuple[str, str] | None) -> tuple[tuple[int, ...] | None, ...]:
    """The files' signatures: a session reads them once, until they change."""
    return tuple(signature(path) for path in files or ())


@functools.cache
def _loader() -> Any:
    """botocore's data files, loaded once per process for every session."""
    from botocore.loaders import create_loader

    loader: Any = create_loader(os.environ.get("AWS_DATA_PATH"))
    # Before loading a model, botocore lists every service directory it ships (~400) to
    # check the name: twice per client, ~17 ms of a direct run. awsmfa only ever loads
    # STS and IAM.
    loader.list_available_services = lambda type_name: ["sts", "iam"]
    return loader


@functools.lru_cache(maxsize=64)
def _session(
    files: tuple[str, str] | None,
    profile: str | None,
    stamps: tuple[tuple[int, ...] | None, ...],
    variables: tuple[tuple[str, Any], ...],
) -> Any:
    """A botocore session for `profile` in `files` (none: no profile's settings), blind to
    this process's environment (the agent's is not its client's): `variables` instead."""
    import botocore.session
    from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES as known

    def blind(config: str, credentials: str) -> Any:
        names = {name: (key, None, default, f) for name, (key, _, default, f) in known.items()}
        session = botocore.session.Session(session_vars=names)
        session.register_component("data_loader", _loader())
        session.set_config_variable("config_file", config)
        session.set_config_variable("credentials_file", credentials)
        return session

    session = blind(*files) if files else None
    if session is not None and profile in session.full_config["profiles"]:
        session.set_config_variable("profile", profile)
    else:  # no profile's settings: botocore's would be [default]'s
        session = blind(os.devnull, os.devnull)
    for name, value in variables:
        session.set_config_variable(name, value)
    return session


def preload() -> None:
    """Load botocore's STS model now (the agent does, to answer faster)."""
    with _SESSION_LOCK:
        _loader().load_service_model("sts", "service-2")


def client(endpoint: Endpoint, keys: Credentials) -> Any:
    """The one botocore client factory: `endpoint.service` signed with `keys`."""
    from botocore.config import Config

    config = Config(
        connect_timeout=endpoint.timeouts.connect,
        read_timeout=endpoint.timeouts.read,
        # total_max_attempts counts the first try; botocore's max_attempts would not.
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        proxies=None if endpoint.proxies is None else dict(endpoint.proxies),
        user_agent_extra="awsmfa",
        # `endpoint.url` is the configured one; botocore's own look would read os.environ.
        ignore_configured_endpoint_urls=True,  # type: ignore[call-arg]  # not in the stubs
    )
    files, profile = endpoint.files, endpoint.profile
    with _SESSION_LOCK:
        session = _session(files, profile, _stamps(files), endpoint.variables)
        api = session.create_client(
            endpoint.service,
            region_name=endpoint.region,
            endpoint_url=endpoint.url,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token,
            config=config,
        )
    log.debug(f"{endpoint.service.upper()} endpoint for {profile}: {api.meta.endpoint_url}")
    return api


def _credentials(answer: Mapping[str, Any]) -> Credentials:
    try:
        raw = answer["Credentials"]
        return Credentials(
            access_key_id=raw["AccessKeyId"],
            secret_access_key=raw["SecretAccessKey"],
            session_token=raw["SessionToken"],
            expiration=raw["Expiration"],
        )
    except (KeyError, TypeError):
        raise StsUnavailable("STS answered without credentials; try again later") from None


def _answer(
    action: str,
    whose: str,
    serial: str | None,
    call: Callable[[], Mapping[str, Any]],
    keys_of: str | None = None,
) -> Mapping[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        return call()
    except ClientError as exc:
        raise _client_error(exc, action, whose, serial, keys_of) from None
    except (BotoCoreError, ResponseParserError) as exc:
        log.debug(f"{action} failed: {type(exc).__name__}")
        url = getattr(exc, "kwargs", {}).get("endpoint_url")
        tried = f" ({url})" if url else ""
        raise StsUnavailable(
            f"STS {action} for {whose} failed: {_describe_transport(exc)}{tried}; "
            "check the network, or AWS_ENDPOINT_URL_STS"
        ) from None


def _describe_transport(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if "EndpointConnection" in name or "ConnectionClosed" in name:
        return "could not connect"
    if "Parse" in name or "IncompleteRead" in name:
        return "the answer was not valid STS XML"
    return name


def _client_error(
    exc: Any, action: str, whose: str, serial: str | None, keys_of: str | None = None
) -> Exception:
    error = exc.response.get("Error", {})
    code = log.printable(str(error.get("Code", "")))
    message = log.printable(str(error.get("Message", ""))).rstrip(".")
    metadata = exc.response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode", 0)
    log.debug(f"{action} for {whose}: {code} (HTTP {status}): {message}")
    if "MultiFactorAuthentication" in message or ("MFA" in message and code == "AccessDenied"):
        return MfaCodeRejected(
            f"STS rejected the MFA code for {serial or whose} ({action}); "
            "use the next code from your device"
        )
    if code in _BAD_KEYS:
        return AuthError(
            f"STS refused the keys of profile {keys_of or whose} ({code}); "
            "they are invalid, expired or revoked: update them in the credentials file"
        )
    if code in _UNAVAILABLE or status >= 500 or status == 429:
        # botocore names an error without an STS body by its HTTP status: "500".
        reason = code if code and code != str(status) else f"HTTP {status}"
        tries = int(metadata.get("RetryAttempts", 0)) + 1
        after = f" after {tries} attempts" if tries > 1 else ""
        kind = StsThrottled if code in _THROTTLED or status == 429 else StsUnavailable
        return kind(f"STS is unavailable for {action} ({reason}){after}; try again later")
    if code == "AccessDenied" and serial is None:
        section = "[default]" if whose == "default" else f"[profile {whose}]"
        return AuthError(
            f"STS denied {action} for {whose}: {message}. If the role requires MFA, add the "
            f"line 'mfa_serial = arn:aws:iam::<account>:mfa/<device>' to {section} in the "
            "config file (`aws iam list-mfa-devices` shows the device ARN)"
        )
    if code == "ValidationError" and "MaxSessionDuration" in message:
        return RoleLimitExceeded(f"STS denied {action} for {whose}: {code}: {message}")
    return AuthError(f"STS denied {action} for {whose}: {code}: {message}")


def get_session_token(
    endpoint: Endpoint,
    keys: Credentials,
    *,
    whose: str,
    duration: int,
    serial: str | None,
    code: str | None,
) -> Credentials:
    params: dict[str, Any] = {"DurationSeconds": duration}
    if serial and code:
        params.update(SerialNumber=serial, TokenCode=code)
    api = client(endpoint, keys)
    return _credentials(
        _answer("GetSessionToken", whose, serial, lambda: api.get_session_token(**params))
    )


def assume_role(
    endpoint: Endpoint,
    creds: Credentials,
    *,
    whose: str,
    role_arn: str,
    session_name: str,
    duration: int,
    external_id: str | None = None,
    serial: str | None = None,
    code: str | None = None,
    keys_of: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Credentials:
    """`keys_of` names the profile whose keys sign the call, when it is not `whose`;
    `extra` holds the optional parameters (SourceIdentity, Tags, PolicyArns, ...)."""
    params: dict[str, Any] = {
        **(extra or {}),
        "RoleArn": role_arn,
        "RoleSessionName": session_name,
        "DurationSeconds": duration,
    }
    if external_id:
        params["ExternalId"] = external_id
    if serial and code:
        params.update(SerialNumber=serial, TokenCode=code)
    api = client(endpoint, creds)
    answer = _answer("AssumeRole", whose, serial, lambda: api.assume_role(**params), keys_of)
    return _credentials(answer)


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str


def caller_identity(endpoint: Endpoint, creds: Credentials, *, whose: str) -> Identity:
    """Who `creds` are, as STS sees them (GetCallerIdentity needs no permission)."""
    api = client(endpoint, creds)
    answer = _answer("GetCallerIdentity", whose, None, api.get_caller_identity)
    try:
        return Identity(str(answer["Account"]), str(answer["Arn"]))
    except KeyError:
        raise StsUnavailable("STS answered GetCallerIdentity without an identity") from None


IAM_REGION = "us-east-1"  # IAM is global; botocore signs it for us-east-1


def iam_endpoint(environ: Mapping[str, str], profile: str | None) -> Endpoint:
    return Endpoint.from_environ(environ, profile, IAM_REGION, service="iam")


def _iam_answer(action: str, call: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
    """IAM refusing is an authentication error (exit 4), IAM unreachable exit 5."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), str(error.get("Message", "")).rstrip(".")
        log.debug(f"IAM {action}: {code}: {message}")
        raise AuthError(f"IAM refused {action}: {code}: {message}") from None
    except BotoCoreError as exc:
        raise StsUnavailable(
            f"IAM {action} failed: {_describe_transport(exc)}; "
            "check the network, or AWS_ENDPOINT_URL_IAM"
        ) from None


def create_access_key(endpoint: Endpoint, signer: Credentials, user: str) -> Credentials:
    api = client(endpoint, signer)
    answer = _iam_answer("CreateAccessKey", lambda: api.create_access_key(UserName=user))
    key = answer["AccessKey"]
    return Credentials(str(key["AccessKeyId"]), str(key["SecretAccessKey"]))


def delete_access_key(endpoint: Endpoint, signer: Credentials, user: str, key_id: str) -> None:
    api = client(endpoint, signer)
    _iam_answer("DeleteAccessKey", lambda: api.delete_access_key(UserName=user, AccessKeyId=key_id))
