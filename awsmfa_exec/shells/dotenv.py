"""A `.env` file: `K='v'` lines that python-dotenv reads back exactly and `sh` runs nothing from.

A `.env` is loaded both by python-dotenv and by `set -a; . ./.env`, so a value is written
in single quotes (`\\\\` doubled) when it holds no `'` and no CR, else in double quotes
with `\\\\`, `"`, CR and newline escaped when it holds no `$` and no backquote. A value
that fits neither, or holds a `${…}` python-dotenv would expand, is refused (exit 3).
None values are left out, and a mapping with nothing to set is a usage error.
"""

from __future__ import annotations

import re

from awsmfa_exec.errors import ConfigError, UsageError
from awsmfa_exec.shells.base import checked

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_INTERPOLATED = re.compile(r"\$\{[^}]*\}")
_DOUBLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\n": "\\n"}


def quote(key: str, value: str) -> str:
    if _INTERPOLATED.search(value) is None:
        if "'" not in value and "\r" not in value:
            return "'" + value.replace("\\", "\\\\") + "'"
        if "$" not in value and "`" not in value:
            return '"' + "".join(_DOUBLE_ESCAPES.get(char, char) for char in value) + '"'
    raise ConfigError(
        f"--shell dotenv cannot write the value of {key} so that python-dotenv reads it "
        "as it is and sh runs nothing from it; use another --shell"
    )


class DotenvShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        lines = [f"{key}={quote(key, value)}\n" for key, value in checked(env) if value is not None]
        if not lines:
            raise UsageError("--shell dotenv writes values; a .env file cannot unset them")
        return "".join(lines)

    def failed(self, status: int) -> str:
        return ""  # a file of values: an empty one holds no other profile's keys
