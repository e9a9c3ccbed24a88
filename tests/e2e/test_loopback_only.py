"""The suite stays on loopback: it runs where only 127.0.0.0/8 and ::1 are reachable
(tests/loopback-only.sh, which `make test` runs pytest through), and every test
environment turns the SDKs' instance metadata lookup off."""

from __future__ import annotations

import errno
import os
import socket
import sys
import time

import pytest

from tests.support.commands import ROOT, run

OUTSIDE = {
    "instance metadata": ("169.254.169.254", 80),
    "a public address": ("192.0.2.1", 443),  # TEST-NET-1
    "a public IPv6 address": ("2001:db8::1", 443),
}
HOW = f"run the suite through {ROOT / 'tests' / 'loopback-only.sh'} (as `make test` does)"


@pytest.mark.parametrize("where", list(OUTSIDE))
def test_no_connection_leaves_loopback(where: str) -> None:
    host, port = OUTSIDE[where]
    started = time.monotonic()
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        refused = exc
    else:
        pytest.fail(f"connected to {where} ({host}); {HOW}")
    assert refused.errno in (errno.ENETUNREACH, errno.EADDRNOTAVAIL), f"{refused}; {HOW}"
    assert time.monotonic() - started < 1, HOW


def test_a_child_process_cannot_leave_loopback_either() -> None:
    probe = "import socket; socket.create_connection(('169.254.169.254', 80), timeout=3)"
    result = run([sys.executable, "-c", probe], timeout=10)
    assert result.returncode == 1
    assert "Network is unreachable" in result.stderr, result.stderr


def test_loopback_itself_works() -> None:
    with (
        socket.create_server(("127.0.0.1", 0)) as server,
        socket.create_connection(server.getsockname()[:2], timeout=3),
    ):
        pass


def test_every_test_environment_turns_instance_metadata_off() -> None:
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    result = run(["sh", "-c", 'echo "$AWS_EC2_METADATA_DISABLED"'], env={"PATH": "/usr/bin:/bin"})
    assert result.stdout == "true\n"  # even for a run given an environment of its own
