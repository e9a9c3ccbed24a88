"""A stand-in for the IAM Identity Center portal on 127.0.0.1: GetRoleCredentials, which
moto does not serve.

`GET /federation/credentials?account_id=&role_name=` with the bearer token the test wrote
to the SSO token cache answers the role's credentials: a session moto hands out for the
landing keys (so the strict STS double knows them as temporary). Any other token: 401.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.support.loopback import JsonHandler, serving
from tests.support.sts_server import session_token

ACCESS_TOKEN = "sso-access-token-for-tests"


@dataclass
class Portal:
    url: str
    sts_url: str
    asked: list[tuple[str, str]] = field(default_factory=list)  # (account_id, role_name)


def _role_credentials(sts_url: str) -> dict[str, object]:
    got = session_token(sts_url)
    return {
        "accessKeyId": got["AccessKeyId"],
        "secretAccessKey": got["SecretAccessKey"],
        "sessionToken": got["SessionToken"],
        "expiration": int(got["Expiration"].timestamp() * 1000),
    }


def _handler(portal: Portal) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if self.headers.get("x-amz-sso_bearer_token") != ACCESS_TOKEN:
                self.answer(401, {"message": "Session token not found or invalid"})
            elif parts.path != "/federation/credentials":
                self.answer(404, {"message": "no such operation"})
            else:
                portal.asked.append((query.get("account_id", ""), query.get("role_name", "")))
                self.answer(200, {"roleCredentials": _role_credentials(portal.sts_url)})

    return Handler


@contextmanager
def sso_portal(sts_url: str) -> Iterator[Portal]:
    portal = Portal("", sts_url)
    with serving(_handler(portal)) as url:
        portal.url = url
        yield portal
