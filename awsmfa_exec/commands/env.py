"""`awsmfa env PROFILE`: the credentials as shell code on stdout, for `eval`."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from awsmfa_exec import environ as env_vars
from awsmfa_exec import shells
from awsmfa_exec.errors import UsageError
from awsmfa_exec.obtain import obtain
from awsmfa_exec.request import Request


def run_env(request: Request | None, shell_name: str, environ: Mapping[str, str]) -> None:
    """Print export code for `request`, or unset code when `request` is None (--unset)."""
    shell = shells.get(shell_name)
    if request is None:
        code = shell.export(env_vars.unset_all())
    else:
        got = obtain(request, environ)
        code = shell.export(env_vars.exported(got.credentials, got.profile, got.region))
    sys.stdout.write(code)  # stdout: shell code only
    sys.stdout.flush()


def require_profile(profile: str | None, unset: bool, environ: Mapping[str, str]) -> str:
    """The profile to print, `AWS_PROFILE` when none is named; "" for --unset."""
    if unset and profile:
        raise UsageError("env --unset takes no profile")
    if unset:
        return ""
    profile = profile or environ.get("AWS_PROFILE")
    if not profile:
        raise UsageError("env needs a PROFILE (or AWS_PROFILE in the environment), or --unset")
    return profile
