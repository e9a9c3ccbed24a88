"""`exec --server`'s refresher with the agent off, against a fake STS and a clock the test
moves: the MFA session is held in the refresher's own cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from awsmfa_exec.endpoint.refresh import LAST_USE, Refresher, SessionEnded
from awsmfa_exec.errors import StsUnavailable, UsageError
from awsmfa_exec.margin import REFRESH_MARGIN, refresh_margin
from awsmfa_exec.options import Options
from awsmfa_exec.prompts import Need
from awsmfa_exec.request import Request
from tests.support.aws_files import SEED_CONFIG, SEED_CREDENTIALS, AwsFiles
from tests.support.fake_sts import FakeSts

START = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
NO_MFA_CONFIG = """
[profile nomfa]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = plain
"""
NO_MFA_CREDENTIALS = """
[plain]
aws_access_key_id = AKIAIOSFODNN7PLAIN00
aws_secret_access_key = plain-secret
"""


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Counting:
    """Gives 123456 whenever asked, and counts the asks."""

    def __init__(self) -> None:
        self.fetched = 0

    def ask(self, need: Need) -> str:
        self.fetched += 1
        return "123456"

    def may_ask_again(self, need: Need) -> bool:
        return False


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake_sts(fake_sts: FakeSts, clock: Clock) -> FakeSts:
    fake_sts.clock = clock
    return fake_sts


@pytest.fixture
def code() -> Counting:
    return Counting()


def refresher(
    files: AwsFiles, code: Counting, clock: Clock, profile: str, **options: Any
) -> Refresher:
    """An agent-less endpoint's refresher for `profile`, its first credentials had."""
    files.write(SEED_CONFIG + NO_MFA_CONFIG, SEED_CREDENTIALS + NO_MFA_CREDENTIALS)
    environ = {**os.environ, "AWSMFA_AGENT": "off"}
    request = Request(profile, None, Options(**options))
    r = Refresher(request, environ, margin=REFRESH_MARGIN, now=clock)
    r.first(code)
    return r


def test_fresh_credentials_are_handed_out_again(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "dev")
    first = r.credentials()
    clock.advance(3600 - REFRESH_MARGIN - 1)
    assert r.credentials() is first
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole"]


def test_near_expiry_one_assume_role_and_no_mfa_code(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "dev")
    keys = [r.credentials().access_key_id]
    for _ in range(3):
        clock.advance(3600 - REFRESH_MARGIN)
        keys.append(r.credentials().access_key_id)
    assert len(set(keys)) == 4
    assert fake_sts.actions() == ["GetSessionToken"] + ["AssumeRole"] * 4
    assert code.fetched == 1


def test_a_role_chain_reassumes_every_hop(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "deep")
    r.credentials()
    clock.advance(3600)
    r.credentials()
    assert fake_sts.actions() == [
        "GetSessionToken",
        "AssumeRole",
        "AssumeRole",
        "AssumeRole",
        "AssumeRole",
    ]


def test_ended_session_hands_out_what_is_left_then_says_so(
    isolated: AwsFiles,
    fake_sts: FakeSts,
    code: Counting,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    r = refresher(isolated, code, clock, "dev")
    r.credentials()
    clock.advance(12 * 3600 - 2 * REFRESH_MARGIN)
    last = r.credentials()  # refreshed: the MFA session is still good beyond the margin
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials() is last  # session over: the current ones, while they last
    assert r.credentials() is last
    clock.advance(REFRESH_MARGIN - LAST_USE + 1)
    with pytest.raises(SessionEnded, match="MFA session for dev has ended"):
        r.credentials()
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("awsmfa: the MFA session for dev has ended;")
    assert "awsmfa exec dev --server" in err


def test_keys_only_profile_cannot_refresh_its_mfa_session(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "landing", duration=900)
    first = r.credentials()
    clock.advance(900 - LAST_USE)
    assert r.credentials() is first
    clock.advance(1)
    with pytest.raises(SessionEnded):
        r.credentials()
    assert fake_sts.actions() == ["GetSessionToken"]


def test_no_session_single_hop_cannot_refresh(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "dev", no_session=True)
    r.credentials()
    clock.advance(3600)
    with pytest.raises(SessionEnded):
        r.credentials()
    assert fake_sts.actions() == ["AssumeRole"]


def test_no_session_chain_refreshes_the_hops_above_the_first(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "deep", no_session=True, duration=900)
    r.credentials()
    clock.advance(900 - REFRESH_MARGIN)
    r.credentials()
    assert fake_sts.actions() == ["AssumeRole", "AssumeRole", "AssumeRole"]
    assert code.fetched == 1


def test_without_mfa_every_refresh_starts_from_the_keys(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "nomfa")
    r.credentials()
    clock.advance(24 * 3600)
    r.credentials()
    assert fake_sts.actions() == ["AssumeRole", "AssumeRole"]
    assert code.fetched == 0


def test_failed_refresh_keeps_the_current_ones_while_they_last(
    isolated: AwsFiles,
    fake_sts: FakeSts,
    code: Counting,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    r = refresher(isolated, code, clock, "dev")
    first = r.credentials()
    fake_sts.failing = True
    clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials() is first
    assert r.credentials() is first
    err = capsys.readouterr().err
    assert err.count("could not refresh the dev credentials: STS is unavailable") == 1
    clock.advance(REFRESH_MARGIN)
    with pytest.raises(StsUnavailable):
        r.credentials()


def test_first_failure_is_raised(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    fake_sts.failing = True
    with pytest.raises(StsUnavailable):
        refresher(isolated, code, clock, "dev").credentials()


def test_repr_shows_no_secret(
    isolated: AwsFiles, fake_sts: FakeSts, code: Counting, clock: Clock
) -> None:
    r = refresher(isolated, code, clock, "dev")
    creds = r.credentials()
    assert creds.secret_access_key not in repr(r)
    assert str(creds.session_token) not in repr(r)


@pytest.mark.parametrize(("raw", "margin"), [("", REFRESH_MARGIN), ("3600", 3600), (" 0 ", 0)])
def test_refresh_margin_from_the_environment(raw: str, margin: int) -> None:
    assert refresh_margin({"AWSMFA_REFRESH_MARGIN": raw}) == margin


@pytest.mark.parametrize("raw", ["-5", "1h", "abc"])
def test_bad_refresh_margin_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError, match="AWSMFA_REFRESH_MARGIN must be a whole number"):
        refresh_margin({"AWSMFA_REFRESH_MARGIN": raw})
