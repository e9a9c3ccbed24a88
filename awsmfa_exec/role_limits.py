"""A role's own MaxSessionDuration, learned from STS's refusals.

STS does not say what a role allows; it refuses a longer DurationSeconds. awsmfa then asks
again with the next shorter step of `LADDER` (every role allows 1 h), says so in one line,
and remembers what fitted for as long as the process lives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from awsmfa_exec import log
from awsmfa_exec.duration import describe
from awsmfa_exec.errors import AuthError, RoleLimitExceeded

T = TypeVar("T")

LADDER = (43200, 21600, 7200, 3600)

_LOCK = threading.Lock()
_FITTED: dict[tuple[str | None, str], int] = {}  # (STS endpoint URL, role ARN) -> seconds


def shorter(seconds: int) -> int | None:
    """The next step of the ladder below `seconds`, or None below 1 h."""
    return next((step for step in LADDER if step < seconds), None)


def learned(url: str | None, role_arn: str) -> int | None:
    with _LOCK:
        return _FITTED.get((url, role_arn))


def forget() -> None:
    with _LOCK:
        _FITTED.clear()


def _told(profile: str, wanted: int, got: int, *, earlier: bool) -> None:
    when = "as learned earlier" if earlier else "STS refused longer"
    log.note(
        f"the role of {profile} allows less than {describe(wanted)} (its MaxSessionDuration, "
        f"{when}), so its credentials last {describe(got)}; ask for that with -d {describe(got)}"
        " or duration_seconds, or raise the role's MaxSessionDuration"
    )


def within_limit(
    url: str | None, role_arn: str, profile: str, wanted: int, assume: Callable[[int], T]
) -> T:
    """`assume(seconds)` for `wanted` seconds, or the most the role allows below that."""
    known = learned(url, role_arn)
    duration = min(wanted, known) if known else wanted
    while True:
        try:
            result = assume(duration)
        except RoleLimitExceeded as exc:
            step = shorter(duration)
            if step is None:
                raise AuthError(exc.message) from None
            log.debug(f"{profile}: the role refuses {describe(duration)}; trying {describe(step)}")
            duration = step
            continue
        if duration < wanted:
            with _LOCK:
                _FITTED[(url, role_arn)] = duration
            _told(profile, wanted, duration, earlier=known is not None and duration == known)
        return result
