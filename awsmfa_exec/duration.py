"""Spans of seconds: `--duration` values read (`3600`, `90m`, `1h`, `1h30m`, `12h`), and
every way a span is written for a person, each in the form its place needs.

Light: no imports beyond the standard library and `errors`; `request` reads `-d` through it.
"""

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
    """A credential lifetime as `-d` takes it, so a user can type it back: `1h30m`, `1h`,
    `15m` (seconds dropped; below 0 is `0m`)."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours}h{minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"


def countdown(seconds: int) -> str:
    """Time left on credentials, read like a clock: `1h05m`, or `5m03s` under the hour,
    where the last minutes matter (`status`); `0m00s` when run out."""
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def minutes_left(seconds: float) -> int:
    """Whole minutes in `seconds`, rounded down, never negative (what has run out is 0)."""
    return max(int(seconds), 0) // 60


def minutes_text(seconds: float) -> str:
    """`42 min`: the time left on what the agent holds; it lives for minutes to hours, so
    seconds would be noise."""
    return f"{minutes_left(seconds)} min"
