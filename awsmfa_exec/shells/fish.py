"""fish: `set -gx K 'v'` / `if set -q -g K; set -e -g K; end`.

Erasing a variable that is not set returns 4 in fish, and `source` returns the status of
the code's last line, so a removal is guarded: the output ends with status 0.

Inside fish single quotes only `\\\\` and `\\'` are escapes; every other character, newline,
CR and tab included, is literal.
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
