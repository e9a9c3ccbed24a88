"""The in-process refresher against a fake STS and a clock the test moves."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from awsmfa_exec import sts
from awsmfa_exec.config import load_chain
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint.refresh import LAST_USE, InProcessRefresher, SessionEnded
from awsmfa_exec.errors import StsUnavailable, UsageError
from awsmfa_exec.margin import REFRESH_MARGIN, refresh_margin
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.options import Options
from awsmfa_exec.providers import build
from tests.support.aws_files import SEED_CONFIG, SEED_CREDENTIALS, AwsFiles

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


@dataclass
class FakeSts:
    """Answers like STS: credentials that last the asked duration from the clock's now."""

    clock: Clock
    calls: list[str] = field(default_factory=list)
    failing: bool = False

    def _answer(self, action: str, duration: int) -> Credentials:
        if self.failing:
            raise StsUnavailable("STS is unavailable for AssumeRole (Throttling); try later")
        self.calls.append(action)
        n = len(self.calls)
        return Credentials(
            f"ASIA{n:016d}", f"secret-{n}", f"token-{n}", self.clock() + timedelta(seconds=duration)
        )

    def get_session_token(self, endpoint: Any, keys: Any, **kw: Any) -> Credentials:
        return self._answer("GetSessionToken", kw["duration"])

    def assume_role(self, endpoint: Any, creds: Any, **kw: Any) -> Credentials:
        return self._answer("AssumeRole", kw["duration"])


class CountingCode(MfaCode):
    fetched = 0

    def _fetch(self, why: str | None) -> str:
        CountingCode.fetched += 1
        return "123456"


@pytest.fixture
def fake_sts(monkeypatch: pytest.MonkeyPatch) -> FakeSts:
    fake = FakeSts(Clock())
    monkeypatch.setattr(sts, "get_session_token", fake.get_session_token)
    monkeypatch.setattr(sts, "assume_role", fake.assume_role)
    CountingCode.fetched = 0
    return fake


def refresher(
    files: AwsFiles, fake: FakeSts, profile: str, margin: int = REFRESH_MARGIN, **options: Any
) -> InProcessRefresher:
    files.write(SEED_CONFIG + NO_MFA_CONFIG, SEED_CREDENTIALS + NO_MFA_CREDENTIALS)
    chain = load_chain(profile, os.environ)
    mfa = CountingCode(chain.mfa_serial, profile=profile)
    provider = build(chain, Options(**options), mfa, sts.Endpoint("us-east-1"))
    return InProcessRefresher(profile, provider, margin=margin, now=fake.clock)


def test_fresh_credentials_are_handed_out_again(isolated: AwsFiles, fake_sts: FakeSts) -> None:
    r = refresher(isolated, fake_sts, "dev")
    first = r.credentials()
    fake_sts.clock.advance(3600 - REFRESH_MARGIN - 1)
    assert r.credentials() is first
    assert fake_sts.calls == ["GetSessionToken", "AssumeRole"]


def test_near_expiry_one_assume_role_and_no_mfa_code(isolated: AwsFiles, fake_sts: FakeSts) -> None:
    r = refresher(isolated, fake_sts, "dev")
    keys = [r.credentials().access_key_id]
    for _ in range(3):
        fake_sts.clock.advance(3600 - REFRESH_MARGIN)
        keys.append(r.credentials().access_key_id)
    assert len(set(keys)) == 4
    assert fake_sts.calls == ["GetSessionToken"] + ["AssumeRole"] * 4
    assert CountingCode.fetched == 1


def test_a_role_chain_reassumes_every_hop(isolated: AwsFiles, fake_sts: FakeSts) -> None:
    r = refresher(isolated, fake_sts, "deep")
    r.credentials()
    fake_sts.clock.advance(3600)
    r.credentials()
    assert fake_sts.calls == [
        "GetSessionToken",
        "AssumeRole",
        "AssumeRole",
        "AssumeRole",
        "AssumeRole",
    ]


def test_ended_session_hands_out_what_is_left_then_says_so(
    isolated: AwsFiles, fake_sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    r = refresher(isolated, fake_sts, "dev")
    r.credentials()
    fake_sts.clock.advance(12 * 3600 - 2 * REFRESH_MARGIN)
    last = r.credentials()  # refreshed: the MFA session is still good beyond the margin
    assert fake_sts.calls == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    fake_sts.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials() is last  # session over: the current ones, while they last
    assert r.credentials() is last
    fake_sts.clock.advance(REFRESH_MARGIN - LAST_USE + 1)
    with pytest.raises(SessionEnded, match="MFA session for dev has ended"):
        r.credentials()
    assert fake_sts.calls == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("awsmfa: the MFA session for dev has ended;")
    assert "awsmfa exec dev --server" in err


def test_keys_only_profile_cannot_refresh_its_mfa_session(
    isolated: AwsFiles, fake_sts: FakeSts
) -> None:
    r = refresher(isolated, fake_sts, "landing", duration=900)
    first = r.credentials()
    fake_sts.clock.advance(900 - LAST_USE)
    assert r.credentials() is first
    fake_sts.clock.advance(1)
    with pytest.raises(SessionEnded):
        r.credentials()
    assert fake_sts.calls == ["GetSessionToken"]


def test_no_session_single_hop_cannot_refresh(isolated: AwsFiles, fake_sts: FakeSts) -> None:
    r = refresher(isolated, fake_sts, "dev", no_session=True)
    r.credentials()
    fake_sts.clock.advance(3600)
    with pytest.raises(SessionEnded):
        r.credentials()
    assert fake_sts.calls == ["AssumeRole"]


def test_no_session_chain_refreshes_the_hops_above_the_first(
    isolated: AwsFiles, fake_sts: FakeSts
) -> None:
    r = refresher(isolated, fake_sts, "deep", no_session=True, duration=900)
    r.credentials()
    fake_sts.clock.advance(900 - REFRESH_MARGIN)
    r.credentials()
    assert fake_sts.calls == ["AssumeRole", "AssumeRole", "AssumeRole"]
    assert CountingCode.fetched == 1


def test_without_mfa_every_refresh_starts_from_the_keys(
    isolated: AwsFiles, fake_sts: FakeSts
) -> None:
    r = refresher(isolated, fake_sts, "nomfa")
    r.credentials()
    fake_sts.clock.advance(24 * 3600)
    r.credentials()
    assert fake_sts.calls == ["AssumeRole", "AssumeRole"]
    assert CountingCode.fetched == 0


def test_failed_refresh_keeps_the_current_ones_while_they_last(
    isolated: AwsFiles, fake_sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    r = refresher(isolated, fake_sts, "dev")
    first = r.credentials()
    fake_sts.failing = True
    fake_sts.clock.advance(3600 - REFRESH_MARGIN)
    assert r.credentials() is first
    assert r.credentials() is first
    err = capsys.readouterr().err
    assert err.count("could not refresh the dev credentials: STS is unavailable") == 1
    fake_sts.clock.advance(REFRESH_MARGIN)
    with pytest.raises(StsUnavailable):
        r.credentials()


def test_first_failure_is_raised(isolated: AwsFiles, fake_sts: FakeSts) -> None:
    fake_sts.failing = True
    with pytest.raises(StsUnavailable):
        refresher(isolated, fake_sts, "dev").credentials()


def test_repr_shows_no_secret(isolated: AwsFiles, fake_sts: FakeSts) -> None:
    r = refresher(isolated, fake_sts, "dev")
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
