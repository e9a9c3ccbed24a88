"""The credential options of `exec` and `env`, beyond the profile."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


class Value:
    """A plain value class, cheaper to import than a dataclass (the cached path imports it):
    equal when its `__slots__` are, shown by `_shown` (all unless a secret is among them)."""

    __slots__: tuple[str, ...] = ()
    _shown: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = self._shown or self.__slots__
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"


class Options(Value):
    """What the user asked for on the command line, beyond the profile."""

    __slots__ = ("duration", "no_session", "region")

    def __init__(
        self, duration: int | None = None, region: str | None = None, no_session: bool = False
    ) -> None:
        self.duration, self.region, self.no_session = duration, region, no_session

    def to_wire(self) -> dict[str, Any]:
        """The `options` of an agent `get` request."""
        return {"duration": self.duration, "region": self.region, "no_session": self.no_session}

    def to_words(self) -> list[str]:
        """The options as a person would type them after the profile (short spellings),
        for a command line awsmfa suggests; values unquoted."""
        from awsmfa_exec import spellings

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
        return cls(raw.get("duration"), raw.get("region"), bool(raw.get("no_session")))
