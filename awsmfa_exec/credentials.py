"""The `Credentials` value: a set of AWS keys that refuses to print its secrets.

On the cached path too: it imports only `time` and `options`. Expiry is kept as seconds
since the epoch; the `datetime` forms are made only when asked for (`expiration`, `utcnow`).
"""

from __future__ import annotations

import time

from awsmfa_exec.options import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime


def utcnow() -> datetime:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def format_expiration(when: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, whole seconds: 2026-11-30T17:00:00Z."""
    return _rfc3339(when.timestamp())


def _rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def parse_expiration(text: str) -> datetime | None:
    """The inverse of `format_expiration`, lenient about offsets; None when unparsable."""
    from datetime import datetime, timezone

    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def mask_key_id(access_key_id: str) -> str:
    """An access key id with all but its kind prefix and last 4 characters hidden."""
    if len(access_key_id) <= 8:
        return "****"
    return f"{access_key_id[:4]}…{access_key_id[-4:]}"


class Credentials(Value):
    """Keys, their session token when temporary, and when they expire (None: never)."""

    __slots__ = ("access_key_id", "expires_at", "secret_access_key", "session_token")

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: str,
        session_token: str | None = None,
        expiration: datetime | None = None,
        *,
        expires_at: float | None = None,
    ) -> None:
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.session_token = session_token
        self.expires_at = expiration.timestamp() if expiration is not None else expires_at

    def __repr__(self) -> str:
        expires = self.expires_text or "never"
        return f"Credentials(access_key_id={mask_key_id(self.access_key_id)!r}, expires={expires})"

    @property
    def expiration(self) -> datetime | None:
        if self.expires_at is None:
            return None
        from datetime import datetime, timezone

        return datetime.fromtimestamp(self.expires_at, timezone.utc)

    @property
    def expires_text(self) -> str | None:
        """The expiry as `format_expiration` writes it; None for long-term keys."""
        return None if self.expires_at is None else _rfc3339(self.expires_at)

    def seconds_left(self, now: datetime | None = None) -> float:
        """Seconds until expiry; infinite for long-term keys."""
        if self.expires_at is None:
            return float("inf")
        return self.expires_at - (time.time() if now is None else now.timestamp())

    def valid_for(self, seconds: float, now: datetime | None = None) -> bool:
        return self.seconds_left(now) >= seconds
