"""fish: `set -gx K 'v'` / `set -e -g K`.

Inside fish single quotes only `\\\\` and `\\'` are escapes; every other character, newline,
CR and tab included, is literal.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsmfa_exec.shells import checked


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class FishShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        lines = []
        for key, value in checked(env):
            if value is None:
                lines.append(f"set -e -g {key}")
            else:
                lines.append(f"set -gx {key} {quote(value)}")
        return "".join(line + ";\n" for line in lines)
