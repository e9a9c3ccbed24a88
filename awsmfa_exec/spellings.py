"""The spellings of the options that the readers before typer must know, declared once.

`cli/`, `arrange` and `fastpath` take them from here. No imports: it is on the fast path.
"""

from __future__ import annotations

COMPLETE_VAR = "_AWSMFA_COMPLETE"  # set when the shell asks for completions (`completion`)

TOKEN_CODE = ("--token-code", "-t")
DURATION = ("--duration", "-d")
REGION = ("--region", "-r")
NO_SESSION = ("--no-session",)
SHELL = ("--shell", "-s")
DESTINATION = ("--destination",)
JOBS = ("--jobs", "-j")
FROM_FILE = ("--from-file",)
OUTPUT_DIR = ("--output-dir",)

CREDENTIAL_VALUED: dict[str, tuple[str, ...]] = {
    "token_code": TOKEN_CODE,
    "duration": DURATION,
    "region": REGION,
}
"""The credential options that take a value, by typer's parameter name."""

VALUED_BY_COMMAND: dict[str, dict[str, tuple[str, ...]]] = {
    "exec": CREDENTIAL_VALUED,
    "env": {**CREDENTIAL_VALUED, "shell": SHELL},
    "login": {**CREDENTIAL_VALUED, "destination": DESTINATION},
    "each": {**CREDENTIAL_VALUED, "jobs": JOBS, "from_file": FROM_FILE, "output_dir": OUTPUT_DIR},
    "rotate": {"token_code": TOKEN_CODE},
}
"""Per command, the options whose value is the next word (`-t 123456`), by parameter name."""


def by_spelling(options: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every spelling of `options`, to its parameter name."""
    return {spelling: name for name, spellings in options.items() for spelling in spellings}
