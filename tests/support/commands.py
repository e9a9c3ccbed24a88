"""Running the installed `awsmfa` (and any other command) the way a test does: in a new
session, so nothing can prompt on a terminal, with output captured as text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
# In every environment a test gives a process (tests/conftest.py's `isolated` sets it too):
# no SDK or CLI falls through to the instance metadata address.
NO_METADATA = {"AWS_EC2_METADATA_DISABLED": "true"}
AWSMFA = str(BIN / "awsmfa")


def run(
    args: list[str],
    *,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """A command in a new session: no controlling terminal, so nothing can prompt."""
    return subprocess.run(
        args,
        env={**(os.environ if env is None else env), **NO_METADATA},
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
        check=False,
        cwd=cwd,
    )


def awsmfa(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return run([AWSMFA, *args], **kwargs)  # type: ignore[arg-type]
