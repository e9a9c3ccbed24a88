"""The typer surface of `each`. Its COMMAND is set aside before typer parses, which would merge
it with the patterns (`split_command`), and reaches `each_command` as the context's `obj`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from awsmfa_exec import spellings
from awsmfa_exec.arrange import Line, arrange
from awsmfa_exec.cli import options
from awsmfa_exec.cli.options import Duration, JsonOutput, NoSession, Region, TokenCode
from awsmfa_exec.request import make_request

commands = typer.Typer()
"""Registered into the `awsmfa` app by `cli`."""


def split_command(line: Line) -> tuple[list[str], list[str]]:
    """The words typer parses for `each` and the command it runs: after the first `--`, or
    after the PATTERNs (`arrange`)."""
    from awsmfa_exec.fleet.choose import pattern_test

    is_pattern = pattern_test(os.environ) if line.command is None else None
    line = Line(arrange(line.words(), os.environ, is_pattern))
    command, line.command = line.command or [], None
    return line.words(), command


Patterns = Annotated[
    list[str] | None,
    options.profile_argument(
        "Profile names or shell globs ('acct-*'), then the command: after --, or from "
        "the first word that is neither.",
        "PATTERN... [--] COMMAND [ARG]...",
    ),
]
Jobs = Annotated[
    int | None,
    options.valued(
        spellings.JOBS,
        "N",
        "Profiles run at once (credentials and commands); default the CPU count, at most 16.",
    ),
]
KeepGoing = Annotated[
    bool,
    typer.Option(
        "--keep-going",
        help="Run every profile; by default a failure stops "
        "new launches and lets running ones finish.",
    ),
]
FromFile = Annotated[
    str | None,
    options.valued(spellings.FROM_FILE, "F", "Profiles from F, one a line (- for stdin)."),
]
NoPrefix = Annotated[
    bool, typer.Option("--no-prefix", help="Output lines as they are, no 'PROFILE | '.")
]
OutputDir = Annotated[
    str | None,
    options.valued(
        spellings.OUTPUT_DIR, "D", "Each profile's output in D/PROFILE.log instead of the terminal."
    ),
]


@commands.command(
    "each",
    context_settings={"allow_interspersed_args": True},
    epilog=(
        "\b\nExamples:\n  awsmfa each 'acct-*' -- terraform plan -input=false\n"
        "  awsmfa each 'acct-*' --keep-going --json -- aws s3api head-bucket --bucket logs\n"
        "  awsmfa each --from-file accounts.txt -j 8 --output-dir out -- make deploy"
    ),
)
def each_command(
    ctx: typer.Context,
    patterns: Patterns = None,
    jobs: Jobs = None,
    keep_going: KeepGoing = False,
    token_code: TokenCode = None,
    duration: Duration = None,
    region: Region = None,
    no_session: NoSession = False,
    from_file: FromFile = None,
    no_prefix: NoPrefix = False,
    output_dir: OutputDir = None,
    as_json: JsonOutput = False,
) -> None:
    """Run COMMAND in every matching profile, in parallel, with one MFA code."""
    from awsmfa_exec.commands.each import Each, run_each

    each = Each(
        patterns=tuple(patterns or ()),
        command=tuple(ctx.obj or ()),
        request=make_request("", token_code, duration, region, no_session),
        from_file=from_file,
        jobs=jobs,
        keep_going=keep_going,
        no_prefix=no_prefix,
        output_dir=output_dir,
        as_json=as_json,
    )
    raise typer.Exit(run_each(each, os.environ))
