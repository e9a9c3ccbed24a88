"""`rotate` against moto's IAM on loopback and a real Secret Service, with faults injected:
a keyring that cannot read back what it was given, and Ctrl-C while IAM spreads the new key.
Whatever happens, one key is live in IAM, the keyring holds it, and the message names it
(masked)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from awsmfa_exec import keystore
from awsmfa_exec.credentials import mask_key_id
from tests.e2e.test_keyring import _iam
from tests.support.aws_files import ACCOUNT, AwsFiles
from tests.support.commands import AWSMFA, NO_METADATA, ROOT, awsmfa, run
from tests.support.fault_sts import _KEY_ID, NS, error
from tests.support.secret_service import SecretService
from tests.support.sts_server import Moto


def _added(moto: Moto, isolated: AwsFiles) -> tuple[Any, dict[str, str]]:
    """moto's IAM and a new user whose one key the keys-only profile `ci` keeps in the
    keyring (moto keeps its users across tests: each test makes its own)."""
    iam = _iam(moto)
    user = f"alice-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    old = iam.create_access_key(UserName=user)["AccessKey"]
    isolated.credentials.write_text("")
    keys = f"{old['AccessKeyId']}\n{old['SecretAccessKey']}\n"
    assert awsmfa("add", "ci", input=keys).returncode == 0
    return iam, old


def _one_live_key_in_the_keyring(iam: Any, user: str, stderr: str) -> str:
    listed = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    live = [k["AccessKeyId"] for k in listed]
    held = keystore.read("ci")
    assert held is not None
    assert live == [held.access_key_id], (live, held.access_key_id, stderr)
    assert mask_key_id(held.access_key_id) in stderr
    assert held.access_key_id not in stderr  # masked, as every message does
    return held.access_key_id


def test_a_keyring_that_cannot_read_back_keeps_the_live_key(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles
) -> None:
    iam, old = _added(moto, isolated)
    faulty = run([sys.executable, "-m", "tests.support.keyring_fault", "rotate", "ci"], cwd=ROOT)
    assert faulty.returncode == 3, faulty.stderr
    assert "injected fault" in faulty.stderr
    assert _one_live_key_in_the_keyring(iam, old["UserName"], faulty.stderr) == old["AccessKeyId"]
    assert old["SecretAccessKey"] not in faulty.stderr


class SpreadingSts:
    """GetCallerIdentity that knows only the first key it sees, as STS does while IAM is
    still spreading a new one; counts the calls signed by any other key."""

    def __init__(self, known: str, user: str) -> None:
        self.others = threading.Event()
        sts = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                found = _KEY_ID.search(self.headers.get("Authorization", ""))
                if found and found.group(1) == known:
                    status, body = 200, _identity(user)
                else:
                    sts.others.set()
                    refused = error(403, "InvalidClientTokenId", "The security token is invalid")
                    status, body = refused.status, refused.body
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


def _identity(user: str) -> bytes:
    return (
        f'<GetCallerIdentityResponse xmlns="{NS}"><GetCallerIdentityResult>'
        f"<Arn>arn:aws:iam::{ACCOUNT}:user/{user}</Arn><UserId>AIDAFAULTS</UserId>"
        f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata>"
        "<RequestId>0</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    ).encode()


@pytest.fixture
def spreading(moto: Moto, isolated: AwsFiles) -> Iterator[tuple[Any, dict[str, str], str]]:
    iam, old = _added(moto, isolated)
    sts = SpreadingSts(old["AccessKeyId"], old["UserName"])
    yield iam, old, sts.url
    sts.server.shutdown()
    sts.server.server_close()


def test_ctrl_c_while_the_new_key_spreads_keeps_the_old_one(
    secret_service: SecretService, spreading: tuple[Any, dict[str, str], str]
) -> None:
    iam, old, sts_url = spreading
    rotating = subprocess.Popen(
        [AWSMFA, "rotate", "ci"],
        env={**os.environ, **NO_METADATA, "AWS_ENDPOINT_URL_STS": sts_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not _seen_a_new_key(iam, old) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # in the pause between two checks of the new key
    assert rotating.poll() is None, "rotate ended before the new key was checked"
    rotating.send_signal(signal.SIGINT)
    _, stderr = rotating.communicate(timeout=60)
    assert rotating.returncode == 130, stderr
    assert stderr.splitlines()[-1].startswith("awsmfa: error: interrupted; the new key was deleted")
    assert _one_live_key_in_the_keyring(iam, old["UserName"], stderr) == old["AccessKeyId"]


def _seen_a_new_key(iam: Any, old: dict[str, str]) -> bool:
    listed = iam.list_access_keys(UserName=old["UserName"])["AccessKeyMetadata"]
    return any(k["AccessKeyId"] != old["AccessKeyId"] for k in listed)
