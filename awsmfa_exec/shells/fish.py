"""fish: `set -gx K 'v'` / `set -e -g K`.

Inside fish single quotes only `\\\\` and `\\'` are escapes; every other character, newline,
CR and tab included, is literal.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsmfa_exec.shells import render


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class FishShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        return render(
            env, lambda key, value: f"set -gx {key} {quote(value)};", "set -e -g {};".format
        )
