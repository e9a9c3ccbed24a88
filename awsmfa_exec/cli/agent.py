"""The typer surface of the session agent: `agent start|stop|status` and `clear`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from awsmfa_exec.cli.options import profile_argument

commands = typer.Typer()
"""Registered into the `awsmfa` app by `cli`."""

agent_app = typer.Typer(
    name="agent",
    help="The session agent: holds MFA sessions and role credentials in memory only.",
    no_args_is_help=True,
)
commands.add_typer(agent_app)


@agent_app.command("start")
def agent_start() -> None:
    """Start the agent (exec and env also start it when they need it)."""
    from awsmfa_exec.commands.agent import run_start

    run_start(os.environ)


@agent_app.command("stop")
def agent_stop() -> None:
    """Stop the agent; everything it held is forgotten."""
    from awsmfa_exec.commands.agent import run_stop

    run_stop(os.environ)


@agent_app.command("status")
def agent_status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable, on stdout.")] = False,
) -> None:
    """What the agent holds: profile, kind, minutes left (never a secret)."""
    from awsmfa_exec.commands.agent import run_status

    run_status(os.environ, as_json)


@commands.command("clear")
def clear_command(
    profile: Annotated[str | None, profile_argument("Only what PROFILE used.")] = None,
) -> None:
    """Make the agent forget everything, or PROFILE's role and the MFA session under it."""
    from awsmfa_exec.commands.agent import run_clear

    run_clear(os.environ, profile)
