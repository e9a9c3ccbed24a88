"""What the agent holds: credentials by key until 5 minutes before they expire, and the
single flight that makes concurrent requests for one key share one STS call.

A request may want more life left than that (its refresh margin): what it finds held with
less is made anew for it and replaces the held entry, which stays for others until then."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.environ import REUSE_MARGIN


@dataclass
class Entry:
    credentials: Credentials
    kind: str
    label: str
    users: set[str] = field(default_factory=set)

    def fresh(self) -> bool:
        return self.credentials.valid_for(REUSE_MARGIN)


@dataclass(frozen=True)
class Held:
    """What `agent status` shows of an entry: never a secret."""

    label: str
    kind: str
    seconds_left: int
    users: tuple[str, ...]


class Store:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._flying: set[str] = set()
        self._changed = threading.Condition()

    def _fresh(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None and not entry.fresh():
            del self._entries[key]
            return None
        return entry

    def get_or_make(
        self,
        key: str,
        kind: str,
        label: str,
        user: str,
        make: Callable[[], Credentials],
        margin: float = 0,
    ) -> Credentials:
        """The held credentials for `key` if they have more than `margin` seconds left,
        else `make()`'s, made by one caller at a time.

        Callers asking for a key that is being made wait for the outcome; when the maker
        fails, the next waiter tries in its turn.
        """
        with self._changed:
            while True:
                entry = self._fresh(key)
                if entry is not None and entry.credentials.seconds_left() > margin:
                    entry.users.add(user)
                    minutes = int(entry.credentials.seconds_left() // 60)
                    log.debug(f"the agent holds the {kind} of {label} ({minutes} min left)")
                    return entry.credentials
                if key not in self._flying:
                    self._flying.add(key)
                    break
                self._changed.wait()
        try:
            creds = make()
            with self._changed:
                self._entries[key] = Entry(creds, kind, label, {user})
            return creds
        finally:
            with self._changed:
                self._flying.discard(key)
                self._changed.notify_all()

    def held(self) -> list[Held]:
        with self._changed:
            self.purge()
            return [
                Held(e.label, e.kind, int(e.credentials.seconds_left()), tuple(sorted(e.users)))
                for e in self._entries.values()
            ]

    def purge(self) -> None:
        with self._changed:
            for key in list(self._entries):
                self._fresh(key)

    def idle(self) -> bool:
        """Nothing valid held and nothing being made."""
        with self._changed:
            self.purge()
            return not self._entries and not self._flying

    def clear(self, profile: str | None) -> int:
        """Forget everything, or what `profile` used (its role and the MFA session under it)."""
        with self._changed:
            doomed = [
                key
                for key, entry in self._entries.items()
                if profile is None or profile in entry.users or entry.label == profile
            ]
            for key in doomed:
                del self._entries[key]
            return len(doomed)
