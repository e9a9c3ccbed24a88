"""A `.env` file: `K='v'` lines, as python-dotenv reads them.

Inside single quotes only `\\\\` and `\\'` are escapes, so every other character (newline,
`$`, `"`) stays literal. python-dotenv's default interpolation still expands `${NAME}`
(read with `interpolate=False` to get every value exactly); credentials, regions and
expiration times never hold `${`. A `.env` file cannot unset anything:
None values are left out, and a mapping with nothing to set is a usage error.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsmfa_exec.errors import UsageError
from awsmfa_exec.shells import checked
from awsmfa_exec.shells.fish import quote


class DotenvShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        lines = [f"{key}={quote(value)}\n" for key, value in checked(env) if value is not None]
        if not lines:
            raise UsageError("--shell dotenv writes values; a .env file cannot unset them")
        return "".join(lines)
