"""Text from outside awsmfa (an STS message, a profile name, an MFA serial) reaches the
terminal without control characters, on every path: no forged lines, no escape codes."""

from __future__ import annotations

import os

from tests.support.aws_files import CODE, SEED_CONFIG, SERIAL, AwsFiles
from tests.support.commands import awsmfa
from tests.support.fault_sts import FaultSts
from tests.support.proof import assert_one_error_line
from tests.support.terminal import Terminal, on_terminal

FORGED = "awsmfa: credentials saved to /tmp/keys"
ESCAPES = "\x1b]0;owned\x07\x1b[2J"


def test_an_sts_message_cannot_forge_a_line(fault_sts: FaultSts) -> None:
    """STS's <Message> with &#13;&#10; gave a second line on the direct path."""
    env = {**os.environ, "AWS_ENDPOINT_URL": fault_sts.url("forged-message"), "AWSMFA_AGENT": "off"}
    result = awsmfa("exec", "dev", "-t", CODE, "--", "true", env=env)
    assert result.returncode == 4
    message = assert_one_error_line(result)
    assert message.endswith(f"AccessDenied: denied{FORGED}")


def test_list_prints_no_escape_from_a_profile_name(aws_files: AwsFiles) -> None:
    aws_files.config.write_text(SEED_CONFIG + f"\n[profile x{ESCAPES}]\nregion = eu-west-1\n")
    result = awsmfa("list")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "x]0;owned[2J" in result.stdout


def test_the_prompt_shows_no_escape_from_mfa_serial(
    aws_files: AwsFiles, fault_sts: FaultSts, terminal: Terminal
) -> None:
    aws_files.config.write_text(SEED_CONFIG.replace(SERIAL, SERIAL + ESCAPES))
    env = {**os.environ, "AWSMFA_AGENT": "off"}
    awsmfa_run = on_terminal(terminal, ["exec", "dev", "--", "true"], fault_sts.url("ok"), env=env)
    try:
        shown = terminal.read_until(b"[2J: ")
    finally:
        awsmfa_run.kill()
        awsmfa_run.communicate()
    assert b"\x1b" not in shown
    assert b"\x07" not in shown
    assert f"MFA code for {SERIAL}]0;owned[2J: ".encode() in shown
