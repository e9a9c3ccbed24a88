"""The credential options of `exec` and `env`, beyond the profile."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line, beyond the profile."""

    duration: int | None = None
    region: str | None = None
    no_session: bool = False
