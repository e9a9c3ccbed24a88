"""The credential options of `exec` and `env`, beyond the profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line, beyond the profile."""

    duration: int | None = None
    region: str | None = None
    no_session: bool = False

    def to_wire(self) -> dict[str, Any]:
        """The `options` of an agent `get` request."""
        return {"duration": self.duration, "region": self.region, "no_session": self.no_session}

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> Options:
        """The options of a `get` request, as `to_wire` wrote them (absent keys: defaults)."""
        return cls(
            duration=raw.get("duration"),
            region=raw.get("region"),
            no_session=bool(raw.get("no_session")),
        )
