"""The credentials endpoint, served for real on loopback, with a fake refresher behind it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint.http_server import CredentialServer
from awsmfa_exec.endpoint.refresh import SessionEnded
from awsmfa_exec.errors import AwsmfaError, StsUnavailable

TOKEN = "t0ken-of-the-test-with-more-than-32-bytes-of-entropy"
CREDS = Credentials(
    "ASIAEXAMPLEKEY000001",
    "the-secret",
    "the-session-token",
    datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc),
)


@dataclass
class FakeRefresher:
    profile: str = "dev"
    error: AwsmfaError | None = None
    asked: int = 0

    def credentials(self) -> Credentials:
        self.asked += 1
        if self.error is not None:
            raise self.error
        return CREDS


@pytest.fixture
def refresher() -> FakeRefresher:
    return FakeRefresher()


@pytest.fixture
def server(refresher: FakeRefresher) -> Iterator[CredentialServer]:
    with CredentialServer(refresher, TOKEN) as running:
        yield running


def get(url: str, token: str | None) -> tuple[int, dict[str, str], dict[str, str]]:
    headers = {} if token is None else {"Authorization": token}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.load(answer)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.load(exc)


def test_listens_on_loopback_only(server: CredentialServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.url.endswith("/credentials")


def test_the_right_token_gets_the_credentials(
    server: CredentialServer, refresher: FakeRefresher
) -> None:
    status, headers, body = get(server.url, TOKEN)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    assert body == {
        "AccessKeyId": "ASIAEXAMPLEKEY000001",
        "SecretAccessKey": "the-secret",
        "Token": "the-session-token",
        "Expiration": "2026-11-30T18:00:00Z",
    }
    assert refresher.asked == 1


@pytest.mark.parametrize(
    "token", [None, "", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), f"Bearer {TOKEN}"]
)
def test_anything_but_the_exact_token_gets_403(
    server: CredentialServer, refresher: FakeRefresher, token: str | None
) -> None:
    status, _, body = get(server.url, token)
    assert status == 403
    assert body["code"] == "AccessDenied"
    assert TOKEN not in json.dumps(body)
    assert refresher.asked == 0


def test_other_paths_get_404(server: CredentialServer) -> None:
    status, _, body = get(server.url.replace("/credentials", "/other"), TOKEN)
    assert status == 404
    assert body["code"] == "NotFound"


def test_an_ended_session_is_a_json_error_that_says_so(
    server: CredentialServer, refresher: FakeRefresher
) -> None:
    refresher.error = SessionEnded("the MFA session for dev has ended and ...")
    status, _, body = get(server.url, TOKEN)
    assert status == 503
    assert body == {
        "code": "MfaSessionEnded",
        "message": "awsmfa: the MFA session for dev has ended and ...",
    }


def test_sts_trouble_is_a_json_error(server: CredentialServer, refresher: FakeRefresher) -> None:
    refresher.error = StsUnavailable("STS is unavailable for AssumeRole (Throttling); try later")
    status, _, body = get(server.url, TOKEN)
    assert status == 503
    assert body["code"] == "StsUnavailable"
    assert "Throttling" in body["message"]


def test_nothing_listens_once_stopped(refresher: FakeRefresher) -> None:
    with CredentialServer(refresher, TOKEN) as running:
        url = running.url
        assert get(url, TOKEN)[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)
