"""Ctrl-C on a real terminal: exit 130, no traceback, the terminal left as it was.

awsmfa runs in a fresh pseudo-terminal it owns as its controlling terminal (util-linux
`setsid --ctty`), so /dev/tty is that terminal and the ^C byte typed on it becomes SIGINT
from the line discipline, exactly as at a keyboard.
"""

from __future__ import annotations

import os
import subprocess
import termios
import time
from collections.abc import Callable

import pytest

from awsmfa_exec.mfa import MAX_PROMPTS
from tests.support.aws_files import CODE, AwsFiles
from tests.support.fault_sts import FaultSts
from tests.support.shells import failed_in_sh
from tests.support.terminal import Terminal, on_terminal

CTRL_C = b"\x03"


def wait_for_prompt(term: Terminal, _: FaultSts) -> None:
    term.read_until(b"MFA code for arn:aws:iam::123456789012:mfa/alice: ")


def wait_for_sts_call(_: Terminal, sts: FaultSts) -> None:
    deadline = time.monotonic() + 30
    while not sts.seen("hang"):
        assert time.monotonic() < deadline, "awsmfa never reached STS"
        time.sleep(0.05)


X = ("--", "true")
INTERRUPTS: dict[str, tuple[list[str], str, Callable[[Terminal, FaultSts], None]]] = {
    "at the MFA prompt (exec)": (["exec", "dev", "--", "true"], "ok", wait_for_prompt),
    "at the MFA prompt, stdout captured (env)": (["env", "dev", "-s", "sh"], "ok", wait_for_prompt),
    "while STS does not answer": (["exec", "dev", "-t", CODE, *X], "hang", wait_for_sts_call),
}  # fmt: skip


@pytest.mark.parametrize("name", list(INTERRUPTS))
def test_ctrl_c_exits_130_and_leaves_the_terminal_sane(
    name: str, terminal: Terminal, fault_sts: FaultSts, aws_files: AwsFiles
) -> None:
    args, scenario, wait = INTERRUPTS[name]
    before = termios.tcgetattr(terminal.slave)
    captured = subprocess.PIPE if args[0] == "env" else None
    awsmfa = on_terminal(terminal, args, fault_sts.url(scenario), stdout=captured)
    try:
        wait(terminal, fault_sts)
        os.write(terminal.master, CTRL_C)
        stdout, stderr = awsmfa.communicate(timeout=30)
    finally:
        if awsmfa.poll() is None:
            awsmfa.kill()
            awsmfa.wait()
    assert awsmfa.returncode == 130, stderr
    assert stderr == "\nawsmfa: interrupted\n"
    # no credentials half-written for an eval to run: the removals and a failing status
    assert stdout is None or failed_in_sh(stdout, 130), stdout
    assert termios.tcgetattr(terminal.slave) == before
    modes = terminal.stty()
    assert "echo" in modes
    assert "icanon" in modes
    assert "isig" in modes


def test_a_code_typed_at_the_prompt_is_used(terminal: Terminal, fault_sts: FaultSts) -> None:
    url = fault_sts.url("ok")
    awsmfa = on_terminal(terminal, ["env", "dev", "-s", "sh"], url, stdout=subprocess.PIPE)
    wait_for_prompt(terminal, fault_sts)
    os.write(terminal.master, f"{CODE}\n".encode())
    stdout, stderr = awsmfa.communicate(timeout=30)
    assert awsmfa.returncode == 0, stderr
    assert "export AWSMFA_PROFILE=dev\n" in stdout
    assert [c.action for c in fault_sts.seen("ok")] == ["GetSessionToken", "AssumeRole"]


def test_a_rejected_typed_code_is_asked_again_then_exit_4(
    terminal: Terminal, fault_sts: FaultSts
) -> None:
    awsmfa = on_terminal(terminal, ["exec", "dev", "--", "true"], fault_sts.url("mfa-rejected"))
    for _ in range(MAX_PROMPTS):
        wait_for_prompt(terminal, fault_sts)
        os.write(terminal.master, f"{CODE}\n".encode())
    _, stderr = awsmfa.communicate(timeout=30)
    assert awsmfa.returncode == 4
    assert stderr.count("STS rejected that MFA code; wait for the next one") == MAX_PROMPTS - 1
    assert stderr.splitlines()[-1].startswith("awsmfa: error: STS rejected the MFA code for")
    assert len(fault_sts.seen("mfa-rejected")) == MAX_PROMPTS


def test_a_mistyped_code_is_asked_for_again_and_spaces_are_dropped(
    terminal: Terminal, fault_sts: FaultSts
) -> None:
    """`12345` (one digit short) is asked for again, as a code STS rejects would be; `123 456`
    is read as 123456."""
    url = fault_sts.url("ok")
    awsmfa = on_terminal(terminal, ["env", "dev", "-s", "sh"], url, stdout=subprocess.PIPE)
    wait_for_prompt(terminal, fault_sts)
    os.write(terminal.master, b"12345\n")
    wait_for_prompt(terminal, fault_sts)
    os.write(terminal.master, f"{CODE[:3]} {CODE[3:]}\n".encode())
    stdout, stderr = awsmfa.communicate(timeout=30)
    assert awsmfa.returncode == 0, stderr
    assert stderr == "awsmfa: an MFA code is 6 digits; try again\n"
    assert "export AWSMFA_PROFILE=dev\n" in stdout


def test_mistyped_codes_end_after_the_last_prompt(terminal: Terminal, fault_sts: FaultSts) -> None:
    awsmfa = on_terminal(terminal, ["exec", "dev", "--", "true"], fault_sts.url("ok"))
    for _ in range(MAX_PROMPTS):
        wait_for_prompt(terminal, fault_sts)
        os.write(terminal.master, b"1234\n")
    _, stderr = awsmfa.communicate(timeout=30)
    assert awsmfa.returncode == 2
    assert (
        stderr.splitlines()[-1] == "awsmfa: error: the MFA code from the terminal must be 6 digits"
    )
    assert fault_sts.seen("ok") == []  # no STS call with a mistyped code
