"""The one credential cache (the agent's, an `each` run's, an `exec --server` endpoint's):
credentials by key until 5 minutes before they expire (or a request's wider margin), single
flight per key, and which kind each deferred root gave last time. Keys are made here, from
what produced the credentials, never the profile name alone: an edited chain is never
served stale. A caller with its own MFA code never waits behind a maker at a prompt; that
maker then takes what the other made, its code unspent (`Superseded`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials, utcnow
from awsmfa_exec.duration import minutes_text
from awsmfa_exec.margin import REFRESH_MARGIN

if TYPE_CHECKING:
    from awsmfa_exec.config import Chain, RoleHop
    from awsmfa_exec.options import Options


def _hash(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def identity(chain: Chain) -> tuple[str, ...]:
    """What the chain's credentials are made from: its keys (hashed), or a root botocore
    resolves by its kind, profile and hashed settings (its credentials change with each
    fetch, its settings do not)."""
    source = chain.source
    if source.deferred:
        return ("root", source.origin, source.profile, _hash(source.settings))
    keys = source.credentials
    return (keys.access_key_id, _hash(keys.secret_access_key), _hash(keys.session_token or ""))


def session_key(chain: Chain, url: str | None, duration: int) -> str:
    """The MFA session of `chain`'s keys, at that endpoint, for that long."""
    return _hash("session", identity(chain), chain.mfa_serial, url, duration)


def first_role_key(chain: Chain, url: str | None, duration: int) -> str:
    """The first role of `chain` assumed with the MFA code (no GetSessionToken before it),
    when more roles follow: it is the chain's MFA session."""
    first = _assumed(chain.hops[0])
    return _hash("first-role", identity(chain), chain.mfa_serial, first, url, duration)


def _assumed(hop: RoleHop) -> tuple[object, ...]:
    """What an AssumeRole of `hop` asks for, but its duration."""
    return (hop.role_arn, hop.external_id, hop.session_name, hop.session)


def role_key(chain: Chain, options: Options, url: str | None) -> str:
    """The final role credentials of `chain`, as `options` shape them."""
    hops = [(*_assumed(h), h.duration_seconds) for h in chain.hops]
    shape = (options.duration, options.no_session, url)
    return _hash("role", identity(chain), chain.mfa_serial, hops, shape)


def root_key(chain: Chain) -> str:
    """The credentials of a root botocore resolves, held as they are (no role above it)."""
    return _hash("root", identity(chain))


@dataclass
class StoredCredentials:
    credentials: Credentials
    kind: str
    label: str
    users: set[str] = field(default_factory=set)
    detail: str = ""  # what tells it apart from others of its kind and label: "-d 2h"


@dataclass(frozen=True)
class HeldSummary:
    """What `agent status` shows of an entry: never a secret."""

    label: str
    kind: str
    seconds_left: int
    users: tuple[str, ...]
    detail: str = ""


@dataclass(eq=False)
class Caller:
    """One request: whether its client brought a code, whether the agent is waiting on that
    client's prompt now, and the keys it is making (outermost first) with their margins."""

    has_code: bool = False
    prompting: bool = False
    making: list[tuple[str, float]] = field(default_factory=list)


class Superseded(Exception):
    """Another caller made `key` while this one waited for its client's code."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class Cache:
    def __init__(self, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now
        self._entries: dict[str, StoredCredentials] = {}
        self._flying: dict[str, list[Caller]] = {}
        self._changed = threading.Condition()
        self._root_temporary: dict[tuple[str, ...], bool] = {}

    def _fresh(self, key: str) -> StoredCredentials | None:
        entry = self._entries.get(key)
        if entry is not None and not entry.credentials.valid_for(REFRESH_MARGIN, self._now()):
            del self._entries[key]
            return None
        return entry

    def _held(self, key: str, margin: float) -> StoredCredentials | None:
        entry = self._fresh(key)
        left = entry.credentials.seconds_left(self._now()) if entry is not None else 0
        return entry if left > margin else None

    def _may_make(self, key: str, caller: Caller) -> bool:
        makers = self._flying.get(key)
        return not makers or (caller.has_code and all(maker.prompting for maker in makers))

    def get_or_make(
        self,
        key: str,
        kind: str,
        label: str,
        user: str,
        make: Callable[[], Credentials],
        margin: float = 0,
        caller: Caller | None = None,
        detail: str = "",
    ) -> Credentials:
        """The held credentials for `key` if they have more than `margin` seconds left, else
        `make()`'s, made by one caller at a time: the others wait for the outcome (when the
        maker fails, the next tries in its turn), but a caller with its own code waits only
        for makers that are not at a prompt."""
        caller = caller or Caller()
        with self._changed:
            while True:
                entry = self._held(key, margin)
                if entry is not None:
                    entry.users.add(user)
                    left = minutes_text(entry.credentials.seconds_left(self._now()))
                    log.debug(f"the agent holds the {kind} of {label} ({left} left)")
                    return entry.credentials
                if self._may_make(key, caller):
                    self._flying.setdefault(key, []).append(caller)
                    caller.making.append((key, margin))
                    break
                self._changed.wait()
        try:
            creds = make()
            with self._changed:
                self._entries[key] = StoredCredentials(creds, kind, label, {user}, detail)
            return creds
        except Superseded as exc:
            with self._changed:
                entry = self._held(key, margin) if exc.key == key else None
                if entry is None:
                    raise
                entry.users.add(user)
                return entry.credentials
        finally:
            with self._changed:
                caller.making.pop()
                makers = self._flying[key]
                makers.remove(caller)
                if not makers:
                    del self._flying[key]
                self._changed.notify_all()

    @contextmanager
    def asking(self, caller: Caller) -> Iterator[None]:
        """While the agent waits for `caller`'s client to give a code; then raises
        Superseded if another caller made meanwhile what `caller` is making."""
        with self._changed:
            caller.prompting = not caller.has_code
            self._changed.notify_all()  # callers with a code need not wait for this one
        try:
            yield
        finally:
            with self._changed:
                caller.prompting = False
        with self._changed:
            for key, margin in caller.making:
                if self._held(key, margin) is not None:
                    raise Superseded(key)

    def held(self) -> list[HeldSummary]:
        with self._changed:
            self.purge()
            return [
                HeldSummary(
                    e.label,
                    e.kind,
                    int(e.credentials.seconds_left(self._now())),
                    tuple(sorted(e.users)),
                    e.detail,
                )
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

    def root_temporary(self, root: tuple[str, ...]) -> bool | None:
        """Whether `root` gave temporary credentials last time; None: not known."""
        with self._changed:
            return self._root_temporary.get(root)

    def remember_root(self, root: tuple[str, ...], temporary: bool) -> None:
        with self._changed:
            self._root_temporary[root] = temporary

    def clear(self, profile: str | None) -> int:
        """Forget everything, or what `profile` used (its role and the MFA session under it).
        Either way what each root gave last time is forgotten (learning it again costs at
        most one fetch of the root)."""
        with self._changed:
            self._root_temporary.clear()
            doomed = [
                key
                for key, entry in self._entries.items()
                if profile is None or profile in entry.users or entry.label == profile
            ]
            for key in doomed:
                del self._entries[key]
            return len(doomed)


@dataclass(frozen=True)
class Use:
    """How one request uses a cache: the life it wants left in what it gets (its refresh
    margin), and who it is in the single flight."""

    cache: Cache = field(default_factory=Cache)
    margin: float = 0
    caller: Caller = field(default_factory=Caller)
