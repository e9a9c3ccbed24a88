"""`awsmfa exec PROFILE -- COMMAND`: replace awsmfa with the command, credentials in its env."""

from __future__ import annotations

import os
import sys

from awsmfa_exec import environ as env_vars
from awsmfa_exec import log
from awsmfa_exec.arrange import profile_of
from awsmfa_exec.errors import launch_failure
from awsmfa_exec.obtain import obtain
from awsmfa_exec.request import Request
from awsmfa_exec.signals import restore_defaults

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def run_exec(
    request: Request, command: Sequence[str], environ: Mapping[str, str], *, server: bool = False
) -> int:
    """The process becomes `command` (a shell, `$SHELL` else /bin/sh, when empty), or an
    error is raised; with `server`, awsmfa stays `command`'s parent and serves it refreshing
    credentials, and returns its exit status."""
    profile_of(request.profile, environ, "exec PROFILE -- COMMAND [ARG]...")
    if any(word == "--profile" or word.startswith("--profile=") for word in command[1:]):
        log.note(
            f"warning: {command[0]} is given --profile: it reads that profile from the AWS "
            f"files, not {request.profile}'s credentials that awsmfa puts in its environment; "
            "leave --profile out"
        )
    subshell = not command
    if subshell:
        command = [environ.get("SHELL") or "/bin/sh"]
    if server:
        from awsmfa_exec.endpoint.run import run_server_exec

        return run_server_exec(request, command, environ)
    got = obtain(request, environ)
    child_env = env_vars.apply(environ, env_vars.exported(got.credentials, got.profile, got.region))
    log.debug(f"exec {command[0]} as {got.profile} ({got.credentials!r})")
    if subshell:
        log.note(f"a new {command[0]} with the credentials of {got.profile}; `exit` leaves it")
    sys.stdout.flush()
    sys.stderr.flush()
    restore_defaults()
    try:
        os.execvpe(command[0], list(command), child_env)  # noqa: S606 - exec is the job
    except OSError as exc:
        raise launch_failure(command[0], exc) from None
