"""Durations, credentials values, and the environment a child gets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from awsmfa_exec import environ
from awsmfa_exec.credentials import Credentials, format_expiration, parse_expiration
from awsmfa_exec.duration import parse_duration
from awsmfa_exec.errors import UsageError

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3600", 3600),
        ("90m", 5400),
        ("1h", 3600),
        ("12h", 43200),
        ("1h30m", 5400),
        ("900s", 900),
        (" 2H ", 7200),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1d", "h", "1h-", "ten", "1.5h", "-3600", "60", "37h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(UsageError):
        parse_duration(text)


def test_credentials_repr_hides_the_secrets() -> None:
    creds = Credentials("ASIAABCDEFGHIJKLMNOP", "very-secret", "token-value", NOW)
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert "very-secret" not in text
        assert "token-value" not in text
        assert "ASIAABCDEFGHIJKLMNOP" not in text
        assert "MNOP" in text


def test_expiration_round_trip() -> None:
    assert format_expiration(NOW) == "2026-11-30T12:00:00Z"
    assert parse_expiration("2026-11-30T12:00:00Z") == NOW
    assert parse_expiration("2026-11-30T13:00:00+01:00") == NOW
    assert parse_expiration("soon") is None


def test_exported_sets_and_removes_the_spec_variables() -> None:
    creds = Credentials("ASIA1", "s", "t", NOW)
    changes = environ.exported(creds, "dev", "eu-west-1")
    base = {
        "AWS_PROFILE": "x",
        "AWS_SDK_LOAD_CONFIG": "1",
        "AWS_ENDPOINT_URL": "http://e",
        "PATH": "/b",
    }
    child = environ.apply(base, changes)
    assert child == {
        "AWS_ACCESS_KEY_ID": "ASIA1",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_SESSION_TOKEN": "t",
        "AWS_CREDENTIAL_EXPIRATION": "2026-11-30T12:00:00Z",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWSMFA_PROFILE": "dev",
        "AWS_ENDPOINT_URL": "http://e",
        "PATH": "/b",
    }


def test_no_region_leaves_region_variables_alone() -> None:
    changes = environ.exported(Credentials("ASIA1", "s", "t", NOW), "dev", None)
    assert "AWS_REGION" not in changes
    assert "AWS_DEFAULT_REGION" not in changes


def _inherited_env(expires: datetime, profile: str = "dev") -> dict[str, str]:
    return {
        "AWSMFA_PROFILE": profile,
        "AWS_ACCESS_KEY_ID": "ASIA1",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_SESSION_TOKEN": "t",
        "AWS_CREDENTIAL_EXPIRATION": format_expiration(expires),
    }


def test_inherited_credentials_are_reused_while_valid_for_five_minutes() -> None:
    soon = datetime.now(timezone.utc)
    assert environ.inherited(_inherited_env(soon + timedelta(minutes=30)), "dev") is not None
    assert environ.inherited(_inherited_env(soon + timedelta(minutes=4)), "dev") is None
    assert environ.inherited(_inherited_env(soon + timedelta(minutes=30), "prod"), "dev") is None
    broken = _inherited_env(soon + timedelta(minutes=30)) | {"AWS_CREDENTIAL_EXPIRATION": "x"}
    assert environ.inherited(broken, "dev") is None
