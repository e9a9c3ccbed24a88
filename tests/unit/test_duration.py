"""Every written form of a span of seconds (`awsmfa_exec/duration.py`), at its edges."""

from __future__ import annotations

import pytest

from awsmfa_exec.duration import countdown, describe, minutes_left, minutes_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (59, "0m"),
        (60, "1m"),
        (900, "15m"),
        (3599, "59m"),
        (3600, "1h"),
        (3660, "1h1m"),
        (5400, "1h30m"),
        (43200, "12h"),
        (129600, "36h"),
        (-1, "0m"),
        (-3600, "0m"),
    ],
)
def test_describe_speaks_as_dash_d_takes_it(seconds: int, text: str) -> None:
    assert describe(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m00s"),
        (59, "0m59s"),
        (60, "1m00s"),
        (303, "5m03s"),
        (3599, "59m59s"),
        (3600, "1h00m"),
        (3659, "1h00m"),
        (3900, "1h05m"),
        (43200, "12h00m"),
        (-1, "0m00s"),
        (-7200, "0m00s"),
    ],
)
def test_countdown_shows_seconds_only_below_the_hour(seconds: int, text: str) -> None:
    assert countdown(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 0),
        (59, 0),
        (59.9, 0),
        (60, 1),
        (3599, 59),
        (3600, 60),
        (43199.5, 719),
        (-1, 0),
        (-0.5, 0),
        (-3600, 0),
    ],
)
def test_minutes_left_rounds_down_and_never_goes_below_zero(seconds: float, minutes: int) -> None:
    assert minutes_left(seconds) == minutes
    assert minutes_text(seconds) == f"{minutes} min"


def test_minutes_text_is_what_agent_status_prints() -> None:
    assert minutes_text(3599) == "59 min"
    assert minutes_text(3600) == "60 min"
    assert minutes_text(-30) == "0 min"


def test_status_counts_down_in_its_expires_in_line() -> None:
    from awsmfa_exec.commands.status import Status
    from awsmfa_exec.commands.status import describe as status_lines

    status = Status(
        profile="dev",
        valid=True,
        seconds_left=303,
        expiration="2026-11-30T12:05:03Z",
        access_key_id="ASIA…MNOP",
        account=None,
        role=None,
        arn=None,
        region=None,
        identity_from=None,
    )
    assert "expires in: 5m03s (until 2026-11-30T12:05:03Z)\n" in status_lines(status)
