"""The typer surface of the keyring commands: `add`, `remove`, `import`, `restore`, `rotate`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from awsmfa_exec.cli import options
from awsmfa_exec.cli.options import TokenCode

commands = typer.Typer()
"""Registered into the `awsmfa` app by `cli`."""

Profile = Annotated[
    str, options.profile_argument("Profile whose long-term keys are meant.", "PROFILE")
]
CredentialProcess = Annotated[
    bool,
    typer.Option(
        "--credential-process/--no-credential-process",
        help="Also set credential_process = awsmfa env PROFILE --shell json in ~/.aws/config, "
        "so tools used without awsmfa get an MFA session.",
    ),
]


@commands.command(
    "add",
    epilog=(
        '\b\nExamples:\n  awsmfa add landing\n  printf \'%s\\n\' "$ID" "$SECRET" | awsmfa add ci'
    ),
)
def add_command(profile: Profile, credential_process: CredentialProcess = True) -> None:
    """Keep PROFILE's long-term keys in the OS keyring (asked for; the secret is not echoed)."""
    from awsmfa_exec.commands.keys import read_keys, run_add

    run_add(profile, read_keys(), os.environ, credential_process)


@commands.command(
    "remove", epilog="\b\nExamples:\n  awsmfa remove landing\n  awsmfa remove ci --force"
)
def remove_command(
    profile: Profile,
    force: Annotated[
        bool, typer.Option("--force", help="Delete without asking (needed with no terminal).")
    ] = False,
) -> None:
    """Delete PROFILE's keys from the OS keyring, and awsmfa's lines from ~/.aws/config.
    Asks first: the keyring holds their only copy (`awsmfa restore` puts them back)."""
    from awsmfa_exec.commands.keys import run_remove

    run_remove(profile, os.environ, force)


@commands.command("restore", epilog="\b\nExample:\n  awsmfa restore landing")
def restore_command(profile: Profile) -> None:
    """Undo `import`: write PROFILE's keys from the OS keyring back into
    ~/.aws/credentials (owner-only), unmark it in ~/.aws/config, delete the keyring entry."""
    from awsmfa_exec.commands.keys import run_restore

    run_restore(profile, os.environ)


@commands.command(
    "import",
    epilog="\b\nExamples:\n  awsmfa import            # every profile with keys\n"
    "  awsmfa import landing",
)
def import_command(
    profiles: Annotated[
        list[str] | None,
        options.profile_argument(
            "Profiles to import; all that hold keys when none is named.", "[PROFILE]..."
        ),
    ] = None,
    credential_process: CredentialProcess = True,
) -> None:
    """Move long-term keys out of ~/.aws/credentials into the OS keyring."""
    from awsmfa_exec.commands.keys import run_import

    run_import(profiles or [], os.environ, credential_process)


@commands.command("rotate", epilog="\b\nExample:\n  awsmfa rotate landing -t 123456")
def rotate_command(profile: Profile, token_code: TokenCode = None) -> None:
    """Replace PROFILE's access key: create a new one with the MFA session, check it, delete
    the old one, keep the new one in the keyring."""
    from awsmfa_exec.commands.rotate import run_rotate

    run_rotate(profile, token_code, os.environ)
