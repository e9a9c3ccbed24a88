"""A stand-in for the IAM Identity Center portal on 127.0.0.1: GetRoleCredentials, which
moto does not serve.

`GET /federation/credentials?account_id=&role_name=` with the bearer token the test wrote
to the SSO token cache answers the role's credentials: a session moto hands out for the
landing keys (so the strict STS double knows them as temporary). Any other token: 401.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACCESS_TOKEN = "sso-access-token-for-tests"


@dataclass
class Portal:
    url: str
    sts_url: str
    asked: list[tuple[str, str]] = field(default_factory=list)  # (account_id, role_name)


def _role_credentials(sts_url: str) -> dict[str, object]:
    import boto3

    from tests.conftest import LANDING_KEY_ID, LANDING_SECRET

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=sts_url,
        aws_access_key_id=LANDING_KEY_ID,
        aws_secret_access_key=LANDING_SECRET,
    )
    got = sts.get_session_token(DurationSeconds=3600)["Credentials"]
    return {
        "accessKeyId": got["AccessKeyId"],
        "secretAccessKey": got["SecretAccessKey"],
        "sessionToken": got["SessionToken"],
        "expiration": int(got["Expiration"].timestamp() * 1000),
    }


def _handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if self.headers.get("x-amz-sso_bearer_token") != ACCESS_TOKEN:
                self._answer(401, {"message": "Session token not found or invalid"})
            elif parts.path != "/federation/credentials":
                self._answer(404, {"message": "no such operation"})
            else:
                portal.asked.append((query.get("account_id", ""), query.get("role_name", "")))
                self._answer(200, {"roleCredentials": _role_credentials(portal.sts_url)})

        def _answer(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def sso_portal(sts_url: str) -> Iterator[Portal]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Portal("", sts_url)))
    portal = Portal(f"http://127.0.0.1:{server.server_address[1]}", sts_url)
    server.RequestHandlerClass = _handler(portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()
