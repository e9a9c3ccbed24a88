"""Options and arguments shared by several commands, declared once for typer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from awsmfa_exec.obtain import Request

TokenCode = Annotated[
    str | None,
    typer.Option(
        "--token-code",
        "-t",
        metavar="CODE",
        help="MFA code (6 digits). Also AWSMFA_TOKEN_CODE.",
        show_default=False,
    ),
]
Duration = Annotated[
    str | None,
    typer.Option(
        "--duration",
        "-d",
        metavar="D",
        help="Lifetime of the final credentials: seconds, or 90m, 1h, 12h (roles: at most 12h).",
        show_default=False,
    ),
]
Region = Annotated[
    str | None,
    typer.Option("--region", "-r", metavar="R", help="Region for the child; else the profile's."),
]
NoSession = Annotated[
    bool,
    typer.Option("--no-session", help="Skip GetSessionToken: AssumeRole with the MFA code."),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="JSON on stdout, for scripts.")]


def request_of(
    profile: str,
    token_code: str | None,
    duration: str | None,
    region: str | None,
    no_session: bool,
) -> Request:
    """The request the credential options describe (obtain.py is imported only now)."""
    from awsmfa_exec.obtain import make_request

    return make_request(profile, token_code, duration, region, no_session)
