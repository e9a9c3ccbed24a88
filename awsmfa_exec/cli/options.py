"""Options and arguments shared by several commands, declared once for typer."""

from __future__ import annotations

from typing import Annotated

import typer

from awsmfa_exec import spellings

TokenCode = Annotated[
    str | None,
    typer.Option(
        *spellings.TOKEN_CODE,
        metavar="CODE",
        help="MFA code (6 digits). Also AWSMFA_TOKEN_CODE.",
        show_default=False,
    ),
]
Duration = Annotated[
    str | None,
    typer.Option(
        *spellings.DURATION,
        metavar="D",
        help="Lifetime of the final credentials: seconds, or 90m, 1h, 12h (roles: at most 12h).",
        show_default=False,
    ),
]
Region = Annotated[
    str | None,
    typer.Option(*spellings.REGION, metavar="R", help="Region for the child; else the profile's."),
]
NoSession = Annotated[
    bool,
    typer.Option(*spellings.NO_SESSION, help="Skip GetSessionToken: AssumeRole with the MFA code."),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="JSON on stdout, for scripts.")]
