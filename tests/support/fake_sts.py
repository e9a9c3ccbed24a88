"""An in-process stand-in for `awsmfa_exec.sts`'s two calls, for unit tests of the code
that decides which calls to make: it records each call and hands out numbered keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from awsmfa_exec import sts
from awsmfa_exec.credentials import Credentials, utcnow
from awsmfa_exec.errors import MfaCodeRejected, StsUnavailable


@dataclass(frozen=True)
class Call:
    action: str
    signed_by: str  # access key id of the credentials that signed the call
    code: str | None
    target: str  # the role ARN, or "" for GetSessionToken
    url: str | None


@dataclass
class FakeSts:
    calls: list[Call] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)  # codes answered with MfaCodeRejected
    clock: Callable[[], datetime] = utcnow  # what the credentials' lives are counted from
    failing: bool = False  # every call answered with StsUnavailable

    def _issue(self, call: Call, prefix: str, duration: int) -> Credentials:
        if self.failing:
            raise StsUnavailable(f"STS is unavailable for {call.action} (Throttling); try later")
        if call.code is not None and call.code in self.rejected:
            self.calls.append(call)
            raise MfaCodeRejected(f"STS rejected the MFA code {call.code}")
        self.calls.append(call)
        expiry = self.clock() + timedelta(seconds=duration)
        return Credentials(f"{prefix}{len(self.calls):08d}", "secret", "token", expiry)

    def get_session_token(
        self,
        endpoint: sts.Endpoint,
        keys: Credentials,
        *,
        whose: str,
        duration: int,
        serial: str | None,
        code: str | None,
    ) -> Credentials:
        call = Call("GetSessionToken", keys.access_key_id, code, "", endpoint.url)
        return self._issue(call, "ASIASESSION", duration)

    def assume_role(
        self, endpoint: sts.Endpoint, creds: Credentials, **params: object
    ) -> Credentials:
        code = params.get("code")
        role_arn = str(params["role_arn"])
        call = Call(
            "AssumeRole",
            creds.access_key_id,
            code if isinstance(code, str) else None,
            role_arn,
            endpoint.url,
        )
        return self._issue(call, "ASIAROLE", int(str(params["duration"])))

    def actions(self) -> list[str]:
        return [call.action for call in self.calls]


@pytest.fixture
def fake_sts(monkeypatch: pytest.MonkeyPatch) -> FakeSts:
    """`sts.get_session_token` and `sts.assume_role` answered by a FakeSts."""
    fake = FakeSts()
    monkeypatch.setattr(sts, "get_session_token", fake.get_session_token)
    monkeypatch.setattr(sts, "assume_role", fake.assume_role)
    return fake
