"""Another try, after a jittered wait, when STS is still throttling after botocore's own
retries: hundreds of AssumeRole calls at once are what throttling is for."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from awsmfa_exec import log
from awsmfa_exec.errors import StsThrottled

T = TypeVar("T")

RETRIES = 5
BASE = 0.5
CAP = 8.0


def backoff(attempt: int, draw: Callable[[float, float], float] = random.uniform) -> float:
    """Full jitter: anywhere from 0 up to an exponentially growing ceiling."""
    return draw(0.0, min(CAP, BASE * 2**attempt))


def retrying(
    call: Callable[[], T],
    what: str,
    wait: Callable[[float], object],
    retries: int = RETRIES,
    draw: Callable[[float, float], float] = random.uniform,
) -> T:
    """`call()`, tried again while it raises StsThrottled, at most `retries` more times; a
    `wait(seconds)` that returns True (an Event's `wait`) ends the retries early."""
    for attempt in range(retries):
        try:
            return call()
        except StsThrottled:
            delay = backoff(attempt, draw)
            log.debug(f"{what}: STS is throttling; another try in {delay:.1f}s")
            if wait(delay) is True:
                raise
    return call()
