"""The `Credentials` value: a frozen set of AWS keys that refuses to print its secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def format_expiration(when: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, whole seconds: 2026-11-30T17:00:00Z."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_expiration(text: str) -> datetime | None:
    """The inverse of `format_expiration`, lenient about offsets; None when unparsable."""
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


@dataclass(frozen=True, repr=False)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    expiration: datetime | None = None

    def __repr__(self) -> str:
        expires = format_expiration(self.expiration) if self.expiration else "never"
        return f"Credentials(access_key_id={mask_key_id(self.access_key_id)!r}, expires={expires})"

    __str__ = __repr__

    def seconds_left(self, now: datetime | None = None) -> float:
        """Seconds until expiry; infinite for long-term keys."""
        if self.expiration is None:
            return float("inf")
        return (self.expiration - (now or utcnow())).total_seconds()

    def valid_for(self, seconds: float, now: datetime | None = None) -> bool:
        return self.seconds_left(now) >= seconds
