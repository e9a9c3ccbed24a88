"""`awsmfa login PROFILE`: open the AWS console as the profile's role, or print the URL."""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Mapping

from awsmfa_exec import log, signin
from awsmfa_exec.config import Files, parsed
from awsmfa_exec.errors import AwsmfaError, ConfigError, UsageError
from awsmfa_exec.obtain import obtain
from awsmfa_exec.request import Request


def run_login(
    request: Request, destination: str | None, print_only: bool, environ: Mapping[str, str]
) -> None:
    if destination is not None:
        parts = urllib.parse.urlsplit(destination)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise UsageError(
                f"--destination must be a console URL, e.g. "
                f"https://console.aws.amazon.com/s3/home; got {destination!r}"
            )
    # Keys-only profiles get GetSessionToken credentials, which the console refuses.
    values = parsed(Files.from_environ(environ)).get(request.profile)
    if values is not None and not values.get("role_arn"):
        raise ConfigError(
            f"profile {request.profile} has no role_arn: the console signs in roles only; "
            "log in with one of its role profiles (`awsmfa list` shows them)"
        )
    got = obtain(request, environ)
    if got.credentials.session_token is None:
        raise ConfigError(
            f"profile {request.profile} gave long-term keys; the console needs role credentials"
        )
    region = got.region or signin.DEFAULT_REGION
    endpoint = signin.federation_endpoint(region, environ)
    token = signin.signin_token(endpoint, got.credentials, whose=request.profile)
    url = signin.login_url(endpoint, token, destination or signin.console_home(region))
    if print_only:
        sys.stdout.write(url + "\n")  # stdout: the URL only
        sys.stdout.flush()
        return
    import webbrowser

    if not webbrowser.open(url):
        raise AwsmfaError("no browser could be started here; use --print and open the URL")
    log.note(f"opened the AWS console as {request.profile}; the link works for 15 minutes")
