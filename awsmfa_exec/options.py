"""The credential options of `exec` and `env`, beyond the profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsmfa_exec import spellings


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line, beyond the profile."""

    duration: int | None = None
    region: str | None = None
    no_session: bool = False

    def to_wire(self) -> dict[str, Any]:
        """The `options` of an agent `get` request."""
        return {"duration": self.duration, "region": self.region, "no_session": self.no_session}

    def to_words(self) -> list[str]:
        """The options as a person would type them after the profile (short spellings),
        for a command line awsmfa suggests; values unquoted."""
        words: list[str] = []
        if self.duration is not None:
            words += [spellings.DURATION[-1], str(self.duration)]
        if self.region is not None:
            words += [spellings.REGION[-1], self.region]
        if self.no_session:
            words.append(spellings.NO_SESSION[-1])
        return words

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> Options:
        """The options of a `get` request, as `to_wire` wrote them (absent keys: defaults)."""
        return cls(
            duration=raw.get("duration"),
            region=raw.get("region"),
            no_session=bool(raw.get("no_session")),
        )
