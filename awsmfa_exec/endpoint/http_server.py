"""The container-credentials endpoint: HTTP on 127.0.0.1, a random port, one secret token.

A request without the exact `AWS_CONTAINER_AUTHORIZATION_TOKEN` as its `Authorization`
header gets 403; when no credentials can be had, a JSON error the SDK shows to the user.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import json
import resource
import socket
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import urlsplit

from awsmfa_exec import log
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.endpoint.intake import READ_SECONDS, Intake
from awsmfa_exec.errors import AwsmfaError


class Refresher(Protocol):
    """What the endpoint serves (`endpoint/refresh.Refresher`)."""

    profile: str

    def credentials(self) -> Credentials:
        """Final credentials valid for the refresh margin, or `AwsmfaError` saying why not."""
        ...


HOST = "127.0.0.1"
PATH = "/credentials"
STOP_POLL_SECONDS = 0.1  # how soon the endpoint notices it is to stop
BACKLOG = 1024  # connections the kernel queues for accept: in a flood, none is dropped
ANSWERING = 64  # requests answered at once; past that a complete request is closed unanswered


def more_open_files() -> None:
    """Raise the soft limit on open files to the hard one, so a flood of connections cannot
    run this process out of descriptors (the command keeps the limit it was started with)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (OSError, ValueError) as exc:
            log.debug(f"could not raise the open files limit from {soft} to {hard}: {exc}")


class _Handler(BaseHTTPRequestHandler):
    """One request, whose head the intake has read already."""

    server: CredentialServer  # type: ignore[assignment]
    server_version = "awsmfa"
    sys_version = ""

    def __init__(self, conn: socket.socket, address: Any, server: CredentialServer, head: bytes):
        self._head = head
        super().__init__(conn, address, server)  # type: ignore[arg-type]

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.rfile = io.BytesIO(self._head)

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
        if creds.expires_text is not None:
            body["Expiration"] = creds.expires_text
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
    """The endpoint, served from a daemon thread while the `with` block runs; what the
    handlers share: the refresher, the token, and room for answers."""

    def __init__(self, refresher: Refresher, token: str) -> None:
        self.refresher = refresher
        self.token = token.encode()
        self._answering = threading.BoundedSemaphore(ANSWERING)
        self._listener = socket.create_server((HOST, 0), backlog=BACKLOG)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=Intake(self._listener, self._deliver).serve,
            args=(self._stop, STOP_POLL_SECONDS),
            name="awsmfa-endpoint",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._listener.getsockname()[1]}{PATH}"

    def __enter__(self) -> CredentialServer:
        self._thread.start()
        log.debug(f"serving credentials at {self.url}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()

    def _deliver(self, conn: socket.socket, address: Any, head: bytes) -> None:
        if not self._answering.acquire(blocking=False):
            log.debug(f"endpoint: too many requests at once, {address} closed")
            conn.close()
            return
        threading.Thread(
            target=self._answer, args=(conn, address, head), name="awsmfa-answer", daemon=True
        ).start()

    def _answer(self, conn: socket.socket, address: Any, head: bytes) -> None:
        try:
            conn.settimeout(READ_SECONDS)
            _Handler(conn, address, self, head)
        except Exception as exc:
            log.debug(f"endpoint: a request from {address} failed: {type(exc).__name__}")
        finally:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)
            conn.close()
            self._answering.release()
