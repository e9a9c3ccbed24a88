"""Options and arguments shared by several commands, declared once for typer."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from awsmfa_exec import completion, spellings


def valued(spelled: tuple[str, ...], metavar: str, help: str) -> Any:
    """An option that takes a value (`-t 123456`); `--help` shows no default for it."""
    return typer.Option(*spelled, metavar=metavar, help=help, show_default=False)


def profile_argument(help: str, metavar: str = "[PROFILE]") -> Any:
    """A PROFILE argument (or several: `metavar`) whose words tab-complete to profile names;
    `--help` shows no default for it."""
    return typer.Argument(
        metavar=metavar, help=help, show_default=False, autocompletion=completion.profile_names
    )


_PROFILE_OR_AWS_PROFILE = "Profile from ~/.aws/config; default $AWS_PROFILE."

OptionalProfile = Annotated[str | None, profile_argument(_PROFILE_OR_AWS_PROFILE)]
"""`[PROFILE]`, which the command takes from $AWS_PROFILE when it is left out (`arrange.profile_of`;
for `exec`, `arrange` puts it in its place)."""

TokenCode = Annotated[
    str | None, valued(spellings.TOKEN_CODE, "CODE", "MFA code (6 digits). Also AWSMFA_TOKEN_CODE.")
]
Duration = Annotated[
    str | None,
    valued(
        spellings.DURATION,
        "D",
        "Lifetime of the final credentials: seconds, or 90m, 1h, 12h (roles: at most 12h).",
    ),
]
Region = Annotated[
    str | None, valued(spellings.REGION, "R", "Region for the child; else the profile's.")
]
ConsoleRegion = Annotated[
    str | None, valued(spellings.REGION, "R", "Region of the console to open; else the profile's.")
]
NoSession = Annotated[
    bool,
    typer.Option(*spellings.NO_SESSION, help="Skip GetSessionToken: AssumeRole with the MFA code."),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="JSON on stdout, for scripts.")]
