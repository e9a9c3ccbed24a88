"""A prompt in one terminal does not hold up a caller that brought its own code.

The real agent and the installed `awsmfa`, against moto: one `exec` sits at the MFA prompt
of its terminal (a pseudo-terminal it owns as its controlling terminal), so the agent holds
its `need_code` unanswered; a second `exec` of the same profile with `-t` gets credentials
from the agent meanwhile. The first then takes those when its code is typed, without an STS
call of its own; a third `exec`, without a code, waits for that prompt as before.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, awsmfa
from tests.support.sts_server import Moto

PROMPT = b"MFA code for arn:aws:iam::123456789012:mfa/alice: "
PRINT_PROFILE = ["sh", "-c", 'echo "profile=$AWSMFA_PROFILE"']
# Far below the agent's 300 s wait for a code: a caller kept behind the prompt times out.
PROMPT_FREE_WAIT = 60


class Prompted:
    """`awsmfa exec dev` without a code, at the prompt of its own pseudo-terminal."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            ["setsid", "--ctty", AWSMFA, "exec", "dev", "--", *PRINT_PROFILE],
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        os.close(slave)
        self.shown = b""

    def read_until(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.shown:
            assert time.monotonic() < deadline, f"never saw {text!r}, only {self.shown!r}"
            try:
                self.shown += os.read(self.master, 4096)
            except OSError:  # the terminal closed: awsmfa is done
                break

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)


def agent_connections() -> int:
    """Connections the agent has accepted and not closed yet (/proc/net/unix state 03)."""
    path = os.environ["AWSMFA_AGENT_SOCK"]
    rows = [line.split() for line in Path("/proc/net/unix").read_text().splitlines()[1:]]
    return sum(1 for row in rows if len(row) == 8 and row[5] == "03" and row[7] == path)


@pytest.fixture
def prompted(moto: Moto) -> Iterator[Prompted]:
    at_prompt = Prompted()
    try:
        at_prompt.read_until(PROMPT)
        yield at_prompt
    finally:
        at_prompt.close()


def test_a_caller_with_its_own_code_does_not_wait_behind_a_prompt(
    moto: Moto, prompted: Prompted
) -> None:
    with_code = awsmfa("exec", "dev", "-t", CODE, "--", *PRINT_PROFILE, timeout=PROMPT_FREE_WAIT)
    assert (with_code.returncode, with_code.stdout) == (0, "profile=dev\n"), with_code.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
    prompted.type(f"{CODE}\n")
    prompted.read_until(b"profile=dev")
    assert prompted.process.wait(timeout=30) == 0
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]  # the typed code was not spent


def test_a_caller_without_a_code_still_waits_for_the_prompt(moto: Moto, prompted: Prompted) -> None:
    waiting = subprocess.Popen(
        [AWSMFA, "exec", "dev", "--", *PRINT_PROFILE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while agent_connections() < 2:  # the prompted exec's and this one's
        assert time.monotonic() < deadline, "the second exec never reached the agent"
        time.sleep(0.01)
    prompted.type(f"{CODE}\n")
    out, err = waiting.communicate(timeout=60)
    assert (waiting.returncode, out) == (0, "profile=dev\n"), err
    assert prompted.process.wait(timeout=30) == 0
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
