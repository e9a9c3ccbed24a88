"""How much life credentials must have left to be handed out: the refresh margin.

`exec --server` refreshes once its credentials have the margin or less left, and the agent
makes new ones rather than hand out such. Every agent request carries the client's margin,
so the agent never answers the endpoint's refresh with the credentials it replaces.
"""

from __future__ import annotations

from awsmfa_exec.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

REFRESH_MARGIN = 300
"""Fresh credentials are made once the current ones have this many seconds left or less."""

MARGIN_VARIABLE = "AWSMFA_REFRESH_MARGIN"


def refresh_margin(environ: Mapping[str, str]) -> int:
    """The refresh margin: `AWSMFA_REFRESH_MARGIN` seconds when set (tests and tuning)."""
    raw = environ.get(MARGIN_VARIABLE, "").strip()
    if not raw:
        return REFRESH_MARGIN
    if not raw.isdigit():
        raise UsageError(f"{MARGIN_VARIABLE} must be a whole number of seconds, not {raw!r}")
    return int(raw)
