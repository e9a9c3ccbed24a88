"""A stand-in for the AWS federation endpoint on 127.0.0.1 that records what it is asked.

`getSigninToken` answers `{"SigninToken": TOKEN}`; with `refuse` set it answers HTTP 400,
as the real endpoint does for credentials it does not accept.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "fake-signin-token-0123456789"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]


@dataclass
class SigninServer:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    refuse: bool = False


def _handler(server: SigninServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            server.requests.append(Recorded("GET", parts.path, parse_qs(parts.query)))
            status, body = (400, b"bad session") if server.refuse else (200, b"")
            if not server.refuse:
                body = json.dumps({"SigninToken": TOKEN}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args  # keep pytest's output clean

    return Handler


@pytest.fixture
def signin_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SigninServer]:
    """The fake endpoint, reached through AWSMFA_SIGNIN_URL."""
    record = SigninServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(record))
    record.url = f"http://127.0.0.1:{httpd.server_port}/federation"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWSMFA_SIGNIN_URL", record.url)
    try:
        yield record
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
