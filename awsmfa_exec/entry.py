"""The `awsmfa` program: a plain cached `exec`/`env` goes straight to its command (see
`fastpath`), everything else through typer (`cli`). Both end in `ending`.
"""

from __future__ import annotations

import os
import sys

from awsmfa_exec.ending import conclude
from awsmfa_exec.spellings import COMPLETE_VAR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    if os.environ.get(COMPLETE_VAR):
        _typer(args)
    from awsmfa_exec.arrange import Line, arrange

    args = arrange(args, os.environ)
    if Line(args).name == "env":
        from awsmfa_exec.commands.env import failing_closed

        with failing_closed(args):
            _run(args)
    _run(args)


def _run(args: list[str]) -> NoReturn:
    from awsmfa_exec.fastpath import parse

    work = parse(args)
    if work is not None:
        conclude(work)
    _typer(args)


def _typer(args: list[str]) -> NoReturn:
    from awsmfa_exec import cli
    from awsmfa_exec.agent.harden import before_secrets

    before_secrets()  # every command typer runs may read a key or a code

    cli.main(args)
