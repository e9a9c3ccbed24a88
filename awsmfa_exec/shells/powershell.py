"""PowerShell: `$Env:K = '…'` / `Remove-Item Env:K` when K is set (so `$?` stays true).

A single quote is doubled, and so are the typographic ones (U+2018 to U+201B), which
PowerShell also takes as quotes.
"""

from __future__ import annotations

import re

from awsmfa_exec.shells.base import render

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_QUOTES = re.compile("(['\u2018\u2019\u201a\u201b])")


def quote(value: str) -> str:
    return "'" + _QUOTES.sub(r"\1\1", value) + "'"


class PowerShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        return render(
            env,
            lambda key, value: f"$Env:{key} = {quote(value)}",
            "if (Test-Path -LiteralPath Env:{0}) {{ Remove-Item -LiteralPath Env:{0} }}".format,
        )

    def failed(self, status: int) -> str:
        # A terminating error stops the statement (`&&` included) and a script, not the session.
        return f"throw 'awsmfa env failed (exit status {status}); no AWS credentials are set'\n"
