"""The suite runs botocore as most users have it, without awscrt (tests/conftest.py), even
though the test extra installs awscrt for the `aws login` root."""

from __future__ import annotations

import subprocess

import botocore.compat

from tests.support.commands import BIN


def test_botocore_signs_without_awscrt_here_and_in_the_commands_started() -> None:
    assert botocore.compat.HAS_CRT is False
    probe = "import botocore.compat; print(botocore.compat.HAS_CRT)"
    child = subprocess.run(
        [str(BIN / "python"), "-c", probe], capture_output=True, text=True, check=True
    )
    assert child.stdout == "False\n"
