"""Fixtures of the fault and audit tests: the fault STS on loopback, a closed port."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.aws_files import AwsFiles
from tests.support.fault_sts import FaultSts
from tests.support.terminal import Terminal


@pytest.fixture(scope="session")
def fault_sts_server() -> Iterator[FaultSts]:
    server = FaultSts.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fault_sts(fault_sts_server: FaultSts, aws_files: AwsFiles) -> FaultSts:
    """The fault STS with its counts cleared, and the seed AWS files written."""
    fault_sts_server.reset()
    return fault_sts_server


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    master, slave = os.openpty()
    try:
        yield Terminal(master, slave)
    finally:
        os.close(master)
        os.close(slave)
