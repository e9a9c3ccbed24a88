"""A stand-in for the AWS Sign-In service on 127.0.0.1: CreateOAuth2Token, with which
botocore's LoginProvider refreshes an expired `aws login` session (moto does not serve it).

`POST /v1/token` (rest-json; the body is the token input: clientId, refreshToken,
grantType) answers a new session: credentials the STS at `sts_url` issues, valid 1 h, and a
new refresh token. With `refuse` set it answers as the service does for a session that has
ended: AccessDeniedException, error TOKEN_EXPIRED.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.loopback import JsonHandler, serving
from tests.support.sts_server import session_token

REFRESHED = "login-refresh-token-rotated"
# the service's answer for a session that has ended (botocore: LoginRefreshRequired)
ENDED: dict[str, object] = {"error": "TOKEN_EXPIRED", "message": "the session has ended"}


@dataclass
class Signin:
    url: str
    sts_url: str
    refuse: bool = False
    # what each CreateOAuth2Token carried: its token input, and whether a DPoP proof came with it
    asked: list[tuple[dict[str, Any], bool]] = field(default_factory=list)


def _new_session(sts_url: str) -> dict[str, object]:
    got = session_token(sts_url)
    keys = {
        "accessKeyId": got["AccessKeyId"],
        "secretAccessKey": got["SecretAccessKey"],
        "sessionToken": got["SessionToken"],
    }
    return {
        "accessToken": keys,
        "tokenType": "aws_sigv4",
        "expiresIn": 3600,
        "refreshToken": REFRESHED,
    }


def _handler(signin: Signin) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/v1/token":
                self.answer(404, {"message": "no such operation"})
                return
            signin.asked.append((json.loads(body or b"{}"), bool(self.headers.get("DPoP"))))
            if signin.refuse:
                self.answer(400, ENDED, "AccessDeniedException")
            else:
                self.answer(200, _new_session(signin.sts_url))

    return Handler


@contextmanager
def signin_service(sts_url: str, *, refuse: bool = False) -> Iterator[Signin]:
    signin = Signin("", sts_url, refuse)
    with serving(_handler(signin)) as url:
        signin.url = url
        yield signin
