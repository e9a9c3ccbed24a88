"""The typer surface of `each`. Its COMMAND is everything after the first `--`: click would
merge those words with the patterns, so `take_command` sets them aside before typer parses."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Annotated

import typer

from awsmfa_exec import spellings
from awsmfa_exec.cli import options
from awsmfa_exec.cli.options import Duration, JsonOutput, NoSession, Region, TokenCode
from awsmfa_exec.request import make_request

commands = typer.Typer()
"""Registered into the `awsmfa` app by `cli`."""

_command: list[str] = []


def take_command(args: Sequence[str]) -> list[str]:
    """`args` without what follows the `--` of an `each`, which is kept for the command."""
    words = list(args)
    first = next((i for i, word in enumerate(words) if word != "--debug"), len(words))
    if words[first : first + 1] != ["each"] or "--" not in words:
        return words
    cut = words.index("--")
    _command[:] = words[cut + 1 :]
    return words[:cut]


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
    patterns: Annotated[
        list[str] | None,
        options.profile_argument(
            "Profile names or shell globs ('acct-*'), then the command after --.",
            "PATTERN... -- COMMAND [ARG]...",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        options.valued(
            spellings.JOBS,
            "N",
            "Profiles run at once (credentials and commands); default the CPU count, at most 16.",
        ),
    ] = None,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            help="Run every profile; by default a failure stops "
            "new launches and lets running ones finish.",
        ),
    ] = False,
    token_code: TokenCode = None,
    duration: Duration = None,
    region: Region = None,
    no_session: NoSession = False,
    from_file: Annotated[
        str | None,
        options.valued(spellings.FROM_FILE, "F", "Profiles from F, one a line (- for stdin)."),
    ] = None,
    no_prefix: Annotated[
        bool, typer.Option("--no-prefix", help="Output lines as they are, no 'PROFILE | '.")
    ] = False,
    output_dir: Annotated[
        str | None,
        options.valued(
            spellings.OUTPUT_DIR,
            "D",
            "Each profile's output in D/PROFILE.log instead of the terminal.",
        ),
    ] = None,
    as_json: JsonOutput = False,
) -> None:
    """Run COMMAND in every matching profile, in parallel, with one MFA code."""
    from awsmfa_exec.commands.each import Each, run_each

    each = Each(
        patterns=tuple(patterns or ()),
        command=tuple(_command),
        request=make_request("", token_code, duration, region, no_session),
        from_file=from_file,
        jobs=jobs,
        keep_going=keep_going,
        no_prefix=no_prefix,
        output_dir=output_dir,
        as_json=as_json,
    )
    raise typer.Exit(run_each(each, os.environ))
