"""The typer surface of the everyday commands: `list`, `status`, `login`, `completion`."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from awsmfa_exec import completion, spellings
from awsmfa_exec.cli import options
from awsmfa_exec.cli.options import Duration, JsonOutput, NoSession, TokenCode
from awsmfa_exec.request import make_request
from awsmfa_exec.shells.registry import COMPLETIONS, spelled

commands = typer.Typer()
"""Registered into the `awsmfa` app by `cli`."""


@commands.command(
    "list",
    epilog=(
        "\b\nExamples:\n  awsmfa list\n"
        "  awsmfa list --json | jq -r '.[] | select(.kind != \"keys\") | .name'"
    ),
)
def list_command(as_json: JsonOutput = False) -> None:
    """List every profile: kind (keys, role, chain), source, MFA serial, region."""
    from awsmfa_exec.commands.list_ import run_list

    run_list(os.environ, as_json)


@commands.command(
    "status",
    epilog=(
        "\b\nExamples:\n  awsmfa exec dev -- awsmfa status\n"
        "  awsmfa status --json | jq .seconds_left\n"
        "  awsmfa status --verify    # ask STS who these credentials are"
    ),
)
def status_command(
    as_json: JsonOutput = False,
    verify: Annotated[
        bool, typer.Option("--verify", help="Confirm account and role with STS GetCallerIdentity.")
    ] = False,
) -> None:
    """Show the credentials this shell holds: profile, account, role, time left.

    Exit status 0 when valid credentials are present, 1 when there are none or they expired.
    """
    from awsmfa_exec.commands.status import run_status

    raise typer.Exit(run_status(os.environ, as_json, verify))


@commands.command(
    "login",
    epilog=(
        "\b\nExamples:\n  awsmfa login dev\n"
        "  awsmfa login prod --print\n"
        "  awsmfa login dev --destination https://console.aws.amazon.com/s3/home"
    ),
)
def login_command(
    profile: Annotated[
        str | None,
        options.profile_argument("Role profile from ~/.aws/config; default $AWS_PROFILE."),
    ] = None,
    print_url: Annotated[
        bool, typer.Option("--print", help="Print the sign-in URL on stdout; open no browser.")
    ] = False,
    destination: Annotated[
        str | None,
        options.valued(
            spellings.DESTINATION,
            "URL",
            "Console page to land on; default the console home of the profile's region.",
        ),
    ] = None,
    token_code: TokenCode = None,
    duration: Duration = None,
    region: options.ConsoleRegion = None,
    no_session: NoSession = False,
) -> None:
    """Open the AWS console signed in as PROFILE's role (federation sign-in)."""
    from awsmfa_exec.arrange import profile_of
    from awsmfa_exec.commands.login import run_login

    profile = profile_of(profile, os.environ, "login PROFILE")
    request = make_request(profile, token_code, duration, region, no_session)
    run_login(request, destination, print_url, os.environ)


@commands.command(
    "completion",
    epilog=("\b\nInstall:\n" + "\n".join(f"  {line}" for line in COMPLETIONS.values())),
)
def completion_command(
    shell: Annotated[str, typer.Argument(metavar="SHELL", help=f"{spelled(COMPLETIONS)}.")],
) -> None:
    """Print the tab-completion script for SHELL (completes commands and profile names)."""
    sys.stdout.write(completion.script(shell) + "\n")
