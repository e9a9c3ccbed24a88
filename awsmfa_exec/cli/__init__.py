"""The command-line surface: typer parses, the functions in `commands/` do the work.

Only typer and the standard library are imported here, so `--help` stays fast; `entry.main`
comes here for everything but a plain `exec`/`env` (see `fastpath`).
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer

from awsmfa_exec import __version__, completion, log, spellings
from awsmfa_exec.arrange import Line
from awsmfa_exec.cli import agent, each, keys, options, profiles
from awsmfa_exec.cli.options import Duration, NoSession, OptionalProfile, Region, TokenCode
from awsmfa_exec.ending import conclude, fail, interrupted, leave
from awsmfa_exec.errors import ExitCode
from awsmfa_exec.request import make_request
from awsmfa_exec.shells.registry import HOOKS, SHELLS, spelled

app = typer.Typer(
    name="awsmfa",
    help=(
        "Run commands with MFA-backed AWS credentials, never writing a secret to disk.\n\n"
        "  awsmfa exec dev -- terraform apply\n\n"
        '  eval "$(awsmfa env dev)"'
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"awsmfa {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Say why each step is taken; tracebacks on errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    if debug:
        log.enable_debug()


@app.command(
    "exec",
    context_settings={"allow_interspersed_args": True},
    epilog=(
        "\b\nExamples:\n"
        "  awsmfa exec dev -- terraform apply\n"
        "  awsmfa exec prod -t 123456 -- aws s3 ls\n"
        "  awsmfa exec dev terraform -version    # `--` may be left out\n"
        "  awsmfa exec dev                       # a shell ($SHELL) with dev's credentials\n"
        "  AWS_PROFILE=dev awsmfa exec -- make   # PROFILE from AWS_PROFILE"
    ),
)
def exec_command(
    profile: OptionalProfile = None,
    command: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[--] COMMAND [ARG]...",
            help="The command to run: the first word after PROFILE that is not an option, "
            "or everything after --. None: $SHELL (else /bin/sh).",
            show_default=False,
        ),
    ] = None,
    token_code: TokenCode = None,
    duration: Duration = None,
    region: Region = None,
    no_session: NoSession = False,
    server: Annotated[
        bool,
        typer.Option(
            "--server",
            help="Stay as COMMAND's parent and serve it credentials that refresh themselves "
            "(a loopback container-credentials endpoint), for runs longer than the role's hour.",
        ),
    ] = False,
) -> None:
    """Run COMMAND with PROFILE's credentials in its environment (awsmfa becomes COMMAND)."""
    from awsmfa_exec.commands.exec_ import run_exec

    request = make_request(profile or "", token_code, duration, region, no_session)
    status = run_exec(request, command or [], os.environ, server=server)
    raise typer.Exit(status)


@app.command(
    "env",
    epilog=(
        "\b\nExamples:\n"
        '  eval "$(awsmfa env dev)"\n'
        "  awsmfa env dev --shell fish | source\n"
        '  eval "$(awsmfa env --unset)"'
    ),
)
def env_command(
    profile: OptionalProfile = None,
    token_code: TokenCode = None,
    duration: Duration = None,
    region: Region = None,
    no_session: NoSession = False,
    shell: Annotated[
        str | None,
        options.valued(spellings.SHELL, "SHELL", f"{', '.join(SHELLS)}; detected when omitted."),
    ] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Print code that removes them.")] = False,
) -> None:
    """Print PROFILE's credentials as shell code on stdout, for eval."""
    from awsmfa_exec import shells
    from awsmfa_exec.commands.env import profile_to_print, run_env

    profile = profile_to_print(profile, unset, os.environ)
    shell_name = shell or shells.detect()
    request = None if unset else make_request(profile, token_code, duration, region, no_session)
    run_env(request, shell_name, os.environ)


@app.command(
    "hook",
    epilog=(
        "\b\nExamples:\n"
        '  eval "$(awsmfa hook bash)"    # in ~/.bashrc\n'
        "  awsmfa hook fish | source     # in ~/.config/fish/config.fish"
    ),
)
def hook_command(
    shell: Annotated[str, typer.Argument(metavar="SHELL", help=f"{spelled(HOOKS)}.")],
) -> None:
    """Print the shell integration: awsmfa-use, awsmfa-clear, a prompt segment, a warning."""
    from awsmfa_exec.commands.hook import run_hook

    run_hook(shell)


# Commands declared in their own modules, in the order `--help` lists them.
for _module in (each, agent, profiles, keys):
    app.registered_commands += _module.commands.registered_commands
    app.registered_groups += _module.commands.registered_groups


# typer 0.28 ships its own copy of click; reach its exception classes through typer's API.
ClickUsageError: type[Exception] = typer.BadParameter.__bases__[0]
ClickException: type[Exception] = ClickUsageError.__bases__[0]


def _click_message(exc: Exception) -> str:
    return str(getattr(exc, "format_message", lambda: str(exc))())


def _app_for(line: Line) -> typer.Typer:
    """The app with only the command `line` names, when it names one after nothing but
    `--debug`: building the click command of every other command costs ~3 ms a run and
    changes nothing (their help and the root's are shown only when no command is named)."""
    named = [info for info in app.registered_commands if line.debug_only and line.name == info.name]
    if not named:
        return app
    lean = copy.copy(app)
    lean.registered_commands = named
    lean.registered_groups = []
    return lean


def _run(command: Any, args: Sequence[str], obj: object = None) -> object:
    """typer's run of `args` (`obj`: the command `each` runs), click's outcomes made ours."""
    try:
        return command.main(args=list(args), prog_name="awsmfa", standalone_mode=False, obj=obj)
    except ClickUsageError as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `awsmfa`, `awsmfa agent`
            sys.stdout.write(_click_message(exc) + "\n")
            leave(ExitCode.OK)
        from awsmfa_exec.vault_spellings import hint

        message = _click_message(exc)
        vault = hint(message, args, getattr(ctx, "info_name", None))
        see = f" (see: {ctx.command_path} --help)" if ctx else ""
        fail(vault or message.rstrip(".") + see, ExitCode.USAGE)
    except typer.Abort:
        interrupted()
    except typer.Exit as exc:
        leave(exc.exit_code)
    except ClickException as exc:
        fail(_click_message(exc), getattr(exc, "exit_code", ExitCode.FAILURE))


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    line = Line(args)
    if completion.requested():
        command = typer.main.get_command(app)
        completion.prepare()
    else:
        command = typer.main.get_command(_app_for(line))
    if line.name == "each":
        conclude(lambda: _run(command, *each.split_command(line)))
    conclude(lambda: _run(command, args))
