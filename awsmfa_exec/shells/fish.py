"""fish: `set -gx K 'v'` / `if set -q -g K; set -e -g K; end`.

A removal is guarded because erasing an unset variable returns 4 and `source` returns the
last line's status. In fish single quotes only `\\\\` and `\\'` are escapes.
"""

from __future__ import annotations

from awsmfa_exec.shells.base import render

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _remove(key: str) -> str:
    return f"if set -q -g {key}; set -e -g {key}; end;"


class FishShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        return render(env, lambda key, value: f"set -gx {key} {quote(value)};", _remove)

    def failed(self, status: int) -> str:
        # Status 1: no builtin sets another, and `return` outside a function ends the shell
        # under `eval`.
        return "false\n"
