"""Messages for people, on stderr: notes always, debug lines under --debug/AWSMFA_DEBUG."""

from __future__ import annotations

import os
import sys

_debug = os.environ.get("AWSMFA_DEBUG", "") not in ("", "0", "false", "no")


def enable_debug() -> None:
    global _debug  # noqa: PLW0603 - one process-wide switch set by --debug
    _debug = True


def debugging() -> bool:
    return _debug


def debug(message: str) -> None:
    if _debug:
        print(f"awsmfa: debug: {message}", file=sys.stderr)


def note(message: str) -> None:
    print(f"awsmfa: {message}", file=sys.stderr)
