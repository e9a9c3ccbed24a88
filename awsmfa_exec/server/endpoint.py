"""The container-credentials endpoint: HTTP on 127.0.0.1, a random port, one secret token.

Every AWS SDK reads `AWS_CONTAINER_CREDENTIALS_FULL_URI` and sends the value of
`AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header; a request without that
exact value gets 403. The answer is the JSON the SDKs expect (`AccessKeyId`,
`SecretAccessKey`, `Token`, `Expiration`); when no credentials can be had, a JSON error
with a `code` and a `message` the SDK shows to the user.
"""

from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from awsmfa_exec import log
from awsmfa_exec.credentials import format_expiration
from awsmfa_exec.errors import AwsmfaError
from awsmfa_exec.server.refresh import Refresher

HOST = "127.0.0.1"
PATH = "/credentials"
STOP_POLL_SECONDS = 0.1  # how soon the endpoint notices it is to stop


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, refresher: Refresher, token: str) -> None:
        super().__init__((HOST, 0), _Handler)
        self.refresher = refresher
        self.token = token.encode()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug(f"endpoint: a request from {client_address} failed")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "awsmfa"
    sys_version = ""

    def do_GET(self) -> None:
        supplied = self.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(supplied, self.server.token):
            self._answer(403, "AccessDenied", "missing or wrong AWS_CONTAINER_AUTHORIZATION_TOKEN")
            return
        if urlsplit(self.path).path != PATH:
            self._answer(404, "NotFound", f"credentials are served at {PATH}")
            return
        try:
            creds = self.server.refresher.credentials()
        except AwsmfaError as exc:
            self._answer(503, getattr(exc, "code", type(exc).__name__), f"awsmfa: {exc.message}")
            return
        except Exception as exc:
            self._answer(500, "InternalError", f"awsmfa: unexpected {type(exc).__name__}")
            return
        body: dict[str, str] = {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "Token": creds.session_token or "",
        }
        if creds.expiration is not None:
            body["Expiration"] = format_expiration(creds.expiration)
        self._send(200, body)

    def _answer(self, status: int, code: str, message: str) -> None:
        self._send(status, {"code": code, "message": message})

    def _send(self, status: int, body: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(f"endpoint: {format % args}")


class CredentialServer:
    """The endpoint, served from a daemon thread while the `with` block runs."""

    def __init__(self, refresher: Refresher, token: str) -> None:
        self._httpd = _Server(refresher, token)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": STOP_POLL_SECONDS},
            name="awsmfa-endpoint",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._httpd.server_address[1]}{PATH}"

    def __enter__(self) -> CredentialServer:
        self._thread.start()
        log.debug(f"serving credentials at {self.url}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
