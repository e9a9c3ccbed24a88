"""`--duration` values: `3600`, `90m`, `1h`, `1h30m`, `12h`."""

from __future__ import annotations

import re

from awsmfa_exec.errors import UsageError

_PART = re.compile(r"(\d+)([hms])")
_UNIT = {"h": 3600, "m": 60, "s": 1}

MIN_SECONDS = 900
MAX_SECONDS = 129600


def parse_duration(text: str) -> int:
    """Seconds in `text`; a usage error for anything else or outside STS's limits."""
    value = text.strip().lower()
    if value.isdigit():
        seconds = int(value)
    else:
        parts = _PART.findall(value)
        if not parts or "".join(n + u for n, u in parts) != value:
            raise UsageError(
                f"invalid duration {text!r}: use seconds (3600) or 90m, 1h, 1h30m, 12h"
            )
        seconds = sum(int(n) * _UNIT[u] for n, u in parts)
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise UsageError(
            f"duration {text!r} is out of range: STS accepts 15m to 36h (roles at most 12h)"
        )
    return seconds


def describe(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours}h{minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"
