"""A moto server on loopback that also counts the STS actions it answers.

Run as `python -m tests.support.moto_sts`: prints `PORT <n>` once it listens on 127.0.0.1.
`GET /_awsmfa/calls` returns the STS actions seen so far as a JSON list,
`GET /_awsmfa/signers` the `[service, access key id]` of every signed request (which
credentials a client really used), `POST /_awsmfa/reset` forgets both.
"""

from __future__ import annotations

import io
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler  # type: ignore[attr-defined]
from werkzeug.serving import make_server

Environ = dict[str, Any]
_SIGNER = re.compile(r"Credential=(?P<key>[^/]+)/[^/]+/[^/]+/(?P<service>[^/]+)/")
StartResponse = Callable[..., Any]


# STS actions called without a signature (the web identity token is the proof).
UNSIGNED_STS = ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")


class CountingApp:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[str] = []
        self.signers: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/_awsmfa/calls", "/_awsmfa/signers"):
            with self.lock:
                body = json.dumps(self.calls if path.endswith("calls") else self.signers)
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body.encode()]
        if path == "/_awsmfa/reset":
            with self.lock:
                self.calls.clear()
                self.signers.clear()
            start_response("204 No Content", [])
            return [b""]
        signer = _SIGNER.search(environ.get("HTTP_AUTHORIZATION", ""))
        if signer:
            with self.lock:
                self.signers.append([signer["service"], signer["key"]])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        action = parse_qs(raw.decode("utf-8", "replace")).get("Action", [""])[0]
        signed_sts = "sts" in environ.get("HTTP_AUTHORIZATION", "")
        if action and (signed_sts or action in UNSIGNED_STS):
            with self.lock:
                self.calls.append(action)
        return self.app(environ, start_response)  # type: ignore[no-any-return]


def main(app_type: type[CountingApp] = CountingApp) -> None:
    app = app_type(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    sys.stdout.write(f"PORT {server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
