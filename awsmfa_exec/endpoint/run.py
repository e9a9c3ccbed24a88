"""`awsmfa exec PROFILE --server -- COMMAND`: serve refreshing credentials to COMMAND.

The MFA code is asked for before COMMAND starts. awsmfa stays as its parent until it exits,
then stops the endpoint, ends whatever COMMAND left running, and exits with COMMAND's
status. The forwarded signals stay blocked to the end, so a late Ctrl-C cannot change that
status.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from awsmfa_exec import environ as env_vars
from awsmfa_exec import log
from awsmfa_exec.agent.harden import before_secrets
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint import child
from awsmfa_exec.endpoint.http_server import CredentialServer, more_open_files
from awsmfa_exec.endpoint.refresh import Refresher
from awsmfa_exec.endpoint.views import default_profile_views
from awsmfa_exec.files import Files
from awsmfa_exec.margin import refresh_margin
from awsmfa_exec.request import Request

TOKEN_BYTES = 32
KEY_VARIABLES = env_vars.SET[:4]  # the keys and their expiration
URI_VARIABLE = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN_VARIABLE = "AWS_CONTAINER_AUTHORIZATION_TOKEN"  # noqa: S105 - a name, not a secret
# Web identity: SDKs try it before the endpoint.
WEB_IDENTITY_VARIABLES = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME")


def child_environment(
    environ: Mapping[str, str],
    creds: Credentials,
    profile: str,
    region: str | None,
    url: str,
    token: str,
    files: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The child's environment (`environ.exported`), with the endpoint in place of the key
    variables, and nothing an SDK would ask before the endpoint; `files` points at the views."""
    changes = env_vars.exported(creds, profile, region)
    changes.update(dict.fromkeys((*KEY_VARIABLES, *WEB_IDENTITY_VARIABLES)))
    changes.update({URI_VARIABLE: url, TOKEN_VARIABLE: token, **(files or {})})
    return env_vars.apply(environ, changes)


def run_server_exec(request: Request, command: Sequence[str], environ: Mapping[str, str]) -> int:
    """Run `command` under the endpoint; its exit status (128+N when killed by signal N)."""
    for measure, took in before_secrets().items():
        if not took:
            log.debug(f"could not apply {measure.replace('_', ' ')} to this process")
    refresher = Refresher(request, environ, margin=refresh_margin(environ))
    got = refresher.first()  # any MFA prompt happens now, before the command runs
    first, region = got.credentials, got.region
    token = secrets.token_urlsafe(TOKEN_BYTES)
    mask = child.block_signals()
    child.become_subreaper()
    pid: int | None = None
    try:
        with (
            default_profile_views(Files.from_environ(environ), request.profile) as views,
            CredentialServer(refresher, token) as server,
        ):
            env = child_environment(
                environ, first, request.profile, region, server.url, token, views.variables
            )
            pid = child.spawn(command, env, mask)
            log.debug(f"started {command[0]} (pid {pid}) with credentials at {server.url}")
            more_open_files()
            status = child.wait(pid)
            pid = None
        return status
    finally:
        child.end_tree(pid)
