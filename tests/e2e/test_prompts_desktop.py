"""The real zenity on a headless X server (Xvfb), answered by xdotool as a person would:
awsmfa with no terminal shows the dialog, the code typed into it reaches STS."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.support.aws_files import CODE
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.sts_server import Moto

TOOLS = ("xvfb-run", "zenity", "xdotool")
pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason="needs the Debian packages xvfb, zenity and xdotool",
)

# awsmfa in the background; xdotool waits (at most 20 s) for the dialog titled "awsmfa",
# focuses it, types the code and presses Return.
ANSWER = """\
"$1" env dev --shell json >"$2" 2>"$3" &
awsmfa=$!
window=$(timeout 20 xdotool search --sync --name '^awsmfa$' | head -n 1)
[ -n "$window" ] || { kill "$awsmfa"; echo "no awsmfa dialog appeared" >&2; exit 99; }
xdotool windowfocus --sync "$window" type --delay 30 "$4"
xdotool key Return
wait "$awsmfa"
"""


def test_a_real_zenity_dialog_answered_on_xvfb(moto: Moto, tmp_path: Path) -> None:
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    script = ["sh", "-c", ANSWER, "answer", AWSMFA, str(out), str(err), CODE]
    result = run(["xvfb-run", "--auto-servernum", *script], timeout=60)
    assert result.returncode == 0, (result.stderr, err.read_text())
    assert json.loads(out.read_text())["Version"] == 1
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_zenity_with_no_display_is_a_failure_not_a_cancel(moto: Moto) -> None:
    """zenity exits 1 both on Cancel and when it cannot open a display: only Cancel is 130."""
    result = awsmfa("env", "dev", "--shell", "json", env={**os.environ, "AWSMFA_PROMPT": "zenity"})
    assert result.returncode == 3
    assert result.stderr.startswith("awsmfa: error: zenity failed with exit status 1: ")
    assert result.stderr.rstrip().endswith("cannot open display:")
    assert result.stderr.count("\n") == 1
    assert moto.calls() == []
