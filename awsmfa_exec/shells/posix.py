"""bash, zsh and POSIX sh: `export K=v` / `unset K`, each value quoted for the shell.

sh gets plain single quotes, with `\\\\` and `\\'` written outside them, which bash, zsh,
dash and fish all read as the character itself (sh output is the fallback when the shell
is unknown, and fish takes `\\'` inside single quotes as an escape). bash and zsh get the
same, except that a value with control characters is written as `$'…'` with `\\xNN`
escapes, so printing the code shows no raw control bytes.
"""

from __future__ import annotations

import re

from awsmfa_exec.shells.base import render

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# Left bare: no character bash, zsh, dash or fish treats specially. A leading `=` would be
# zsh's `=cmd` expansion, so it is quoted.
_SAFE = re.compile(r"[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The two characters kept out of single quotes (fish reads them as escapes there).
_OUTSIDE = re.compile(r"([\\'])")


def quote_single(value: str) -> str:
    """Single quotes around every run without `\\` or `'`; those two backslashed between the
    runs, the same word for every POSIX shell and fish. Bare when safe."""
    if value == "":
        return "''"
    if _SAFE.match(value):
        return value
    return "".join(
        "\\" + part if part in ("\\", "'") else f"'{part}'"
        for part in _OUTSIDE.split(value)
        if part
    )


def _ansi_c_escape(match: re.Match[str]) -> str:
    return "".join(f"\\x{byte:02x}" for byte in match.group().encode())


def quote_ansi_c(value: str) -> str:
    """bash/zsh quoting: single quotes, or `$'…'` with `\\xNN` when control bytes appear."""
    if not _CONTROL.search(value):
        return quote_single(value)
    return "$'" + _CONTROL.sub(_ansi_c_escape, _OUTSIDE.sub(r"\\\1", value)) + "'"


class PosixShell:
    def __init__(self, ansi_c: bool = False) -> None:
        self.ansi_c = ansi_c

    def export(self, env: Mapping[str, str | None]) -> str:
        quote = quote_ansi_c if self.ansi_c else quote_single
        return render(env, lambda key, value: f"export {key}={quote(value)}", "unset {}".format)

    def failed(self, status: int) -> str:
        # A subshell's exit is eval's status; `exit` would end the user's shell, and `return`
        # outside a function is an error in bash.
        return f"(exit {status})\n"
