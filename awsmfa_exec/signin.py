"""Console sign-in through the AWS federation endpoint.

Role credentials are exchanged for a sign-in token (`Action=getSigninToken`; the request
goes straight to the endpoint over TLS and is never logged), which goes into a login URL
(`Action=login`). `AWSMFA_SIGNIN_URL` replaces the federation endpoint.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import AuthError, StsUnavailable, UsageError
from awsmfa_exec.proxies import loopback, urlopen

TIMEOUT = 10
ISSUER = "awsmfa"
DEFAULT_REGION = "us-east-1"

# Each partition's domain: its sign-in is at signin.DOMAIN/federation, its console console.DOMAIN
_DOMAINS = {"aws": "aws.amazon.com", "aws-us-gov": "amazonaws-us-gov.com", "aws-cn": "amazonaws.cn"}


def partition(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def federation_endpoint(region: str, environ: Mapping[str, str]) -> str:
    """The partition's endpoint, or AWSMFA_SIGNIN_URL: https, or http on loopback only."""
    override = environ.get("AWSMFA_SIGNIN_URL")
    if not override:
        return f"https://signin.{_DOMAINS[partition(region)]}/federation"
    parts = urllib.parse.urlsplit(override)
    if not (parts.scheme == "https" and parts.hostname) and not (
        parts.scheme == "http" and loopback(override)
    ):
        raise UsageError(
            "AWSMFA_SIGNIN_URL must be an https:// URL (http:// only on 127.0.0.1), "
            "since the request carries credentials"
        )
    return override


def console_home(region: str) -> str:
    query = urllib.parse.urlencode({"region": region})
    return f"https://console.{_DOMAINS[partition(region)]}/console/home?{query}"


def signin_token(endpoint: str, creds: Credentials, *, whose: str) -> str:
    """Exchange role credentials for a sign-in token; errors never carry the request."""
    session = {
        "sessionId": creds.access_key_id,
        "sessionKey": creds.secret_access_key,
        "sessionToken": creds.session_token,
    }
    query = urllib.parse.urlencode({"Action": "getSigninToken", "Session": json.dumps(session)})
    url = f"{endpoint}?{query}"  # the scheme is checked in federation_endpoint
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    log.debug(f"getSigninToken for {whose} at {endpoint}")
    try:
        with urlopen(request, timeout=TIMEOUT) as answer:
            body = answer.read()
    except urllib.error.HTTPError as exc:
        exc.close()
        if 400 <= exc.code < 500:
            raise AuthError(
                f"the sign-in endpoint refused the credentials of {whose} (HTTP {exc.code}); "
                "console sign-in needs role credentials that are still valid"
            ) from None
        raise StsUnavailable(f"the sign-in endpoint answered HTTP {exc.code}; try later") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StsUnavailable(
            f"cannot reach the sign-in endpoint {endpoint}: {reason}; check the network"
        ) from None
    try:
        token = json.loads(body)["SigninToken"]
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str) or not token:
        raise StsUnavailable("the sign-in endpoint answered without a SigninToken; try later")
    return token


def login_url(endpoint: str, token: str, destination: str) -> str:
    query = urllib.parse.urlencode(
        {"Action": "login", "Issuer": ISSUER, "Destination": destination, "SigninToken": token}
    )
    return f"{endpoint}?{query}"
