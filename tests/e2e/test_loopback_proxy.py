"""Requests to loopback never go through a proxy: with http_proxy, HTTP_PROXY, https_proxy
and all_proxy naming a recording proxy (and no no_proxy), `awsmfa status` inside
`awsmfa exec dev --server` asks the endpoint directly, and awsmfa's own calls to a
loopback STS and sign-in endpoint do too. The proxy sees nothing: not the endpoint's token, not a
credential."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, awsmfa
from tests.support.signin_server import SigninServer, signin_server
from tests.support.sts_server import Moto

__all__ = ["signin_server"]  # the fixture

PROXY_VARIABLES = (
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
)


class RecordingProxy:
    """Answers 502 to everything, after writing down the request line and its headers."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                proxy.seen.append(f"{self.requestline}\n{self.headers}")
                self.send_error(502)

            do_GET = do_POST = do_CONNECT = do_PUT = _record

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: `seen` is the log."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    recording = RecordingProxy()
    yield recording
    recording.server.shutdown()
    recording.server.server_close()


def _without_no_proxy() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}


def test_status_in_a_server_child_asks_the_endpoint_past_the_proxy(
    moto: Moto, proxy: RecordingProxy
) -> None:
    """The proxy is set for the child only: what `status` does, and nothing else."""
    through = [f"{name}={proxy.url}" for name in PROXY_VARIABLES]
    child = ["env", *through, AWSMFA, "status", "--json"]
    shown = awsmfa("exec", "dev", "--server", "-t", CODE, "--", *child, env=_without_no_proxy())
    assert shown.returncode == 0, shown.stderr
    status = json.loads(shown.stdout)
    assert (status["credentials_from"], status["valid"]) == ("endpoint", True)
    assert proxy.seen == []


def test_awsmfa_calls_a_loopback_sts_past_the_proxy(moto: Moto, proxy: RecordingProxy) -> None:
    env = {**_without_no_proxy(), **dict.fromkeys(PROXY_VARIABLES, proxy.url)}
    shown = awsmfa("exec", "dev", "--server", "-t", CODE, "--", AWSMFA, "status", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "served by:  the exec --server endpoint" in shown.stdout
    assert proxy.seen == []


def test_login_asks_a_loopback_signin_endpoint_past_the_proxy(
    moto: Moto, proxy: RecordingProxy, signin_server: SigninServer
) -> None:
    env = {**_without_no_proxy(), **dict.fromkeys(PROXY_VARIABLES, proxy.url)}
    printed = awsmfa("login", "dev", "--print", "-t", CODE, env=env)
    assert printed.returncode == 0, printed.stderr
    assert [r.query.get("Action") for r in signin_server.requests] == [["getSigninToken"]]
    assert proxy.seen == []
