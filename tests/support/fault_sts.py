"""An STS stand-in on loopback that fails on purpose, one scenario per URL path.

`FaultSts.start()` listens on 127.0.0.1 in a background thread. A client whose endpoint is
`url("throttling")` (that is `http://127.0.0.1:<port>/throttling`) gets the canned answers
of that scenario; the server counts every request it receives per scenario, with the STS
action and the access key id that signed it, so a test can tell how often awsmfa tried and
with which keys. Error bodies have the shape real STS sends:

    <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <Error><Type>Sender</Type><Code>...</Code><Message>...</Message></Error>
      <RequestId>...</RequestId>
    </ErrorResponse>
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code."
NOT_AUTHORIZED = (
    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
    "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/dev"
)

# What the "ok" scenario hands out, per action: known values the audit can look for.
ISSUED = {
    "GetSessionToken": ("ASIAFAULTSESSION0001", "faultSessionSecret/0123456789abcdefghijKLMN"),
    "AssumeRole": ("ASIAFAULTROLE0000002", "faultRoleSecret/0123456789abcdefghijklmnopQR"),
}


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_length: int | None = None  # lie about the length to cut the answer short
    hang: bool = False  # accept the request, never answer


@dataclass(frozen=True)
class Call:
    scenario: str
    action: str
    key_id: str


def error(status: int, code: str, message: str, kind: str = "Sender") -> Answer:
    body = (
        f'<ErrorResponse xmlns="{NS}"><Error><Type>{kind}</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
        "</ErrorResponse>"
    )
    return Answer(status, body.encode())


def issued(action: str) -> Answer:
    key_id, secret = ISSUED.get(action, ISSUED["AssumeRole"])
    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    token = f"FaultToken{action}/" + "x" * 80
    role = (
        "<AssumedRoleUser><AssumedRoleId>AROAFAULT:awsmfa</AssumedRoleId>"
        "<Arn>arn:aws:sts::123456789012:assumed-role/dev/awsmfa</Arn></AssumedRoleUser>"
        if action == "AssumeRole"
        else ""
    )
    body = (
        f'<{action}Response xmlns="{NS}"><{action}Result><Credentials>'
        f"<AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
        f"<SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration>"
        f"</Credentials>{role}</{action}Result><ResponseMetadata><RequestId>{uuid.uuid4()}"
        f"</RequestId></ResponseMetadata></{action}Response>"
    )
    return Answer(200, body.encode())


def _denied_role(action: str) -> Answer:
    if action == "AssumeRole":
        return error(403, "AccessDenied", NOT_AUTHORIZED)
    return issued(action)


_TRUNCATED = issued("GetSessionToken").body[:120]

NOT_FOUND = Answer(404, b"")
SCENARIOS: dict[str, Callable[[str], Answer]] = {
    "ok": issued,
    "mfa-rejected": lambda _: error(403, "AccessDenied", MFA_FAILED),
    "expired-token": lambda _: error(
        403, "ExpiredToken", "The security token included in the request is expired"
    ),
    "invalid-client-token-id": lambda _: error(
        403, "InvalidClientTokenId", "The security token included in the request is invalid."
    ),
    "role-needs-mfa": _denied_role,
    "forged-message": lambda _: error(
        403, "AccessDenied", "denied&#13;&#10;awsmfa: credentials saved to /tmp/keys"
    ),
    "throttling": lambda _: error(400, "Throttling", "Rate exceeded"),
    "http-500": lambda _: Answer(500, b"<html><body><h1>500 Internal Server Error</h1></body>"),
    "hang": lambda _: Answer(0, b"", hang=True),
    "malformed": lambda _: Answer(200, _TRUNCATED),
    "truncated": lambda action: Answer(200, issued(action).body[:200], content_length=4096),
    "no-credentials": lambda action: Answer(
        200, f'<{action}Response xmlns="{NS}"><{action}Result/></{action}Response>'.encode()
    ),
}

_KEY_ID = re.compile(r"Credential=([A-Z0-9]+)/")


class FaultSts:
    """The server and what it has seen; `stop()` releases requests that hang."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @classmethod
    def start(cls) -> FaultSts:
        sts = cls()
        sts.thread.start()
        return sts

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, scenario: str) -> str:
        assert scenario in SCENARIOS, scenario
        return f"http://127.0.0.1:{self.server.server_port}/{scenario}"

    def seen(self, scenario: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if scenario is None or c.scenario == scenario]

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sts = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
                action = form.get("Action", [""])[0]
                scenario = self.path.strip("/").split("/")[0]
                found = _KEY_ID.search(self.headers.get("Authorization", ""))
                with sts.lock:
                    sts.calls.append(Call(scenario, action, found.group(1) if found else ""))
                answer = SCENARIOS[scenario](action) if scenario in SCENARIOS else NOT_FOUND
                if answer.hang:
                    sts.released.wait()
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(answer.content_length or len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
                if answer.content_length:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests read what they need from `FaultSts.seen`."""

        return Handler
