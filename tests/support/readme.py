"""The examples of README.md and docs/*.md, as their code blocks hold them.

A code block is a run of lines indented by four spaces after a blank line. Its commands
are the lines that call awsmfa: `awsmfa …`, `$ awsmfa …` (a sample: the lines after it
are its output), `eval "$(awsmfa …)"`, `VAR=value awsmfa …`, `credential_process = awsmfa
…`; an `awsmfa: error: …` line is a message the README shows. Each block is named by its
commands with their comments stripped, which is how tests/e2e/test_readme.py finds the way
to run it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = (README, *sorted((ROOT / "docs").glob("*.md")))
WORLD = ROOT / "docs" / "configuration.md"  # the AWS files of the pages that show none

_COMMAND = re.compile(r"(\$ )?(eval \"\$\()?([A-Z_]+=\S+ )?(credential_process = )?awsmfa [a-z-]")
_COMMENT = re.compile(r"\s+# .*$")


@dataclass(frozen=True)
class Block:
    line: int  # where it starts in its page, 1-based
    text: str  # the block, dedented
    page: Path = README

    @property
    def commands(self) -> tuple[str, ...]:
        """The lines that call awsmfa, comments stripped, `$ ` dropped."""
        found = []
        for raw in self.text.splitlines():
            if _COMMAND.match(raw) or raw.startswith("awsmfa: "):
                found.append(_COMMENT.sub("", raw).removeprefix("$ ").rstrip())
        return tuple(found)

    def output_of(self, command: str) -> list[str]:
        """The sample output printed under `$ command` in this block."""
        lines = self.text.splitlines()
        start = next(i for i, raw in enumerate(lines) if raw == f"$ {command}") + 1
        end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
        return lines[start:end]


def blocks(text: str | None = None) -> list[Block]:
    """Every indented code block of the pages (or of `text`) that calls awsmfa."""
    if text is None:
        return [block for page in PAGES for block in _blocks(page.read_text(), page)]
    return _blocks(text, README)


def _blocks(text: str, page: Path) -> list[Block]:
    lines = text.splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        starts = lines[index].startswith("    ") and (index == 0 or not lines[index - 1].strip())
        if not starts:
            index += 1
            continue
        end = index
        while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
            end += 1
        body = "\n".join(raw[4:] for raw in lines[index:end]).strip("\n")
        block = Block(index + 1, body, page)
        if block.commands:
            found.append(block)
        index = end
    return found


def section_block(heading: str, page: Path = README) -> str:
    """The code block right after the line `heading` (e.g. "`~/.aws/config`:") in `page`,
    else in docs/configuration.md."""
    text = page.read_text()
    if f"\n{heading}\n\n" not in text:
        text = WORLD.read_text()
    after = text.split(f"\n{heading}\n\n", 1)[1]
    block = []
    for raw in after.splitlines():
        if raw and not raw.startswith("    "):
            break
        block.append(raw[4:])
    return "\n".join(block).strip("\n") + "\n"
