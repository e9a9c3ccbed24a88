"""The `awsmfa` program: a plain cached `exec`/`env` goes straight to its command (see
`fastpath`), everything else through typer (`cli`). Both end in `ending`.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from awsmfa_exec import completion
from awsmfa_exec.ending import conclude


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    if not completion.requested():
        from awsmfa_exec.agent.harden import no_dumps
        from awsmfa_exec.arrange import arrange
        from awsmfa_exec.fastpath import parse

        no_dumps()  # before any secret is read
        args = arrange(args, os.environ)

        work = parse(args)
        if work is not None:
            conclude(work)
    from awsmfa_exec import cli

    cli.main(args)
