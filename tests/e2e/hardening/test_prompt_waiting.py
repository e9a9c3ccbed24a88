"""The line that says awsmfa waits for a key: on the terminal, never on stdout or stderr.

awsmfa runs on a real pseudo-terminal (`setsid --ctty`) with stdout and stderr captured,
as `credential_process` and `$(...)` capture them. A fake ykman waits before it answers,
as a YubiKey does until it is touched.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import BIN
from tests.support.fake_prompts import FakeTools
from tests.support.fault_sts import FaultSts
from tests.support.terminal import Terminal, on_terminal

WAIT_LINE = b"awsmfa: waiting for ykman (touch your key?)"
SETTINGS = {
    "mfa_prompt = ykman": "mfa_prompt = ykman",
    "mfa_process running ykman": "mfa_process = ykman oath accounts code -s alice",
}


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_the_wait_line_goes_to_the_terminal_only(
    terminal: Terminal, fault_sts: FaultSts, aws_files: AwsFiles, fakes: FakeTools, setting: str
) -> None:
    fakes.install("ykman", f"wait:2:{CODE}")
    landing = "[profile landing]\n"
    config = aws_files.config.read_text()
    aws_files.config.write_text(config.replace(landing, f"{landing}{SETTINGS[setting]}\n"))
    env = {**os.environ, "PATH": f"{fakes.where}{os.pathsep}{BIN}{os.pathsep}/usr/bin:/bin"}
    args = ["env", "dev", "--shell", "json"]
    awsmfa = on_terminal(terminal, args, fault_sts.url("ok"), stdout=subprocess.PIPE, env=env)
    try:
        seen = terminal.read_until(WAIT_LINE)
        stdout, stderr = awsmfa.communicate(timeout=30)
    finally:
        if awsmfa.poll() is None:
            awsmfa.kill()
            awsmfa.wait()
    assert awsmfa.returncode == 0, stderr
    assert seen.count(b"awsmfa: waiting") == 1
    assert json.loads(stdout)["Version"] == 1
    assert "waiting" not in stderr
    assert len(fakes.calls("ykman")) == 1
