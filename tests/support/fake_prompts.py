"""Fake zenity, kdialog, osascript, ykman and notify-send for the prompt tests.

Each fake records its arguments (one JSON list a line in `<tool>.calls`) and then does what
`<tool>.does` says: `code:123456` prints the code, `cancel` exits 1 as Cancel does,
`wait:SECONDS:123456` prints the code after a while (a key waiting for a touch),
`fail:N` exits N. The fakes are Python scripts with an absolute interpreter, so a test's
PATH can hold the fakes and awsmfa's own directory and nothing else.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("zenity", "kdialog", "osascript", "ykman", "notify-send")

_FAKE = """\
#!{python}
import json, sys, time
from pathlib import Path

here = Path(__file__).resolve().parent
tool = Path(__file__).name
with open(here / f"{{tool}}.calls", "a") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\\n")
does = (here / f"{{tool}}.does").read_text().strip().split(":")
if does[0] == "cancel":
    sys.exit(1)
if does[0] == "fail":
    sys.exit(int(does[1]))
if does[0] == "wait":
    time.sleep(float(does[1]))
print(does[-1])
"""


@dataclass
class FakeTools:
    where: Path

    def install(self, tool: str, does: str) -> Path:
        assert tool in TOOLS
        script = self.where / tool
        script.write_text(_FAKE.format(python=sys.executable))
        script.chmod(0o755)
        (self.where / f"{tool}.does").write_text(does)
        return script

    def calls(self, tool: str) -> list[list[str]]:
        record = self.where / f"{tool}.calls"
        if not record.exists():
            return []
        return [json.loads(line) for line in record.read_text().splitlines()]


@pytest.fixture
def fakes(tmp_path: Path) -> FakeTools:
    """An empty folder for fake prompt tools, to put first on PATH."""
    where = tmp_path / "fakes"
    where.mkdir()
    return FakeTools(where)
