"""bash, zsh and POSIX sh: `export K=v` / `unset K` with per-shell quoting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from awsmfa_exec.shells import checked

_SAFE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+\Z")


def quote_single(value: str) -> str:
    """POSIX single quotes: everything literal, `'` written as `'\\''`."""
    if value == "":
        return "''"
    if _SAFE.match(value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


@dataclass(frozen=True)
class PosixShell:
    name: str

    def export(self, env: Mapping[str, str | None]) -> str:
        lines = []
        for key, value in checked(env):
            if value is None:
                lines.append(f"unset {key}")
            else:
                lines.append(f"export {key}={quote_single(value)}")
        return "".join(line + "\n" for line in lines)
