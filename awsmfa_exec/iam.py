"""The only place that talks to IAM: create and delete one's own access keys (`rotate`).

botocore is imported inside the functions. Failures become the error kinds of SPEC §6:
IAM refusing is an authentication error (4), IAM unreachable is exit 5.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import AuthError, StsUnavailable

T = TypeVar("T")
GLOBAL_REGION = "us-east-1"


def _client(environ: Mapping[str, str], settings: Mapping[str, Any], creds: Credentials) -> Any:
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    ignore = environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true"
    url = (
        None
        if ignore
        else (
            environ.get("AWS_ENDPOINT_URL_IAM")
            or environ.get("AWS_ENDPOINT_URL")
            or settings.get("endpoint_url")
        )
    )
    return session.create_client(
        "iam",
        region_name=GLOBAL_REGION,
        endpoint_url=url or None,
        verify=environ.get("AWS_CA_BUNDLE") or settings.get("ca_bundle") or None,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(
            connect_timeout=3,
            read_timeout=10,
            retries={"total_max_attempts": 3, "mode": "standard"},
            user_agent_extra="awsmfa",
        ),
    )


def _call(action: str, call: Callable[[], T]) -> T:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), str(error.get("Message", "")).rstrip(".")
        log.debug(f"IAM {action}: {code}: {message}")
        raise AuthError(f"IAM refused {action}: {code}: {message}") from None
    except BotoCoreError as exc:
        raise StsUnavailable(f"IAM {action} failed: {type(exc).__name__}") from None


class Iam:
    """IAM calls signed with one set of credentials (the MFA session, in `rotate`)."""

    def __init__(
        self, environ: Mapping[str, str], settings: Mapping[str, Any], creds: Credentials
    ) -> None:
        self._client = _client(environ, settings, creds)

    def create_access_key(self, user: str) -> Credentials:
        answer = _call("CreateAccessKey", lambda: self._client.create_access_key(UserName=user))
        key = answer["AccessKey"]
        return Credentials(str(key["AccessKeyId"]), str(key["SecretAccessKey"]))

    def delete_access_key(self, user: str, key_id: str) -> None:
        _call(
            "DeleteAccessKey",
            lambda: self._client.delete_access_key(UserName=user, AccessKeyId=key_id),
        )
