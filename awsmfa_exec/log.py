"""Messages for people, on stderr: notes always, debug lines under --debug/AWSMFA_DEBUG.

The session agent works for many clients at once; inside `captured()` a thread's lines are
collected instead of printed, so they can be relayed to the client that caused them.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading

_debug = os.environ.get("AWSMFA_DEBUG", "") not in ("", "0", "false", "no")
_local: threading.local | None = None  # made by the first `captured` (the agent's threads)


class _Sink:
    def __init__(self, debug: bool) -> None:
        self.debug = debug
        self.lines: list[str] = []


def enable_debug() -> None:
    global _debug  # noqa: PLW0603 - one process-wide switch set by --debug
    _debug = True


def _sink() -> _Sink | None:
    sink: _Sink | None = getattr(_local, "sink", None) if _local is not None else None
    return sink


def debugging() -> bool:
    sink = _sink()
    return sink.debug if sink is not None else _debug


def _emit(line: str) -> None:
    sink = _sink()
    if sink is not None:
        sink.lines.append(line)
    else:
        print(line, file=sys.stderr)


def debug(message: str) -> None:
    if debugging():
        _emit(f"awsmfa: debug: {message}")


def note(message: str) -> None:
    _emit(f"awsmfa: {message}")


class captured:
    """Collect this thread's notes (and debug lines when `debug`) into the list it gives."""

    def __init__(self, debug: bool) -> None:
        self._sink = _Sink(debug)

    def __enter__(self) -> list[str]:
        global _local  # noqa: PLW0603 - made once, by the agent, for all its threads
        if _local is None:
            import threading

            _local = threading.local()
        _local.sink = self._sink
        return self._sink.lines

    def __exit__(self, *exc: object) -> None:
        if _local is not None:
            _local.sink = None


# C0 and C1 controls and DEL: what could move the cursor, recolour or rewrite a terminal line.
_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


def printable(text: str) -> str:
    """`text` without control characters, for words that come from another process."""
    return text.translate(_CONTROLS)


def relay(lines: list[str]) -> None:
    """Print lines collected by the agent, stripped of control characters and marked as the
    agent's, so that no process at the socket can pass its words off as ours."""
    for line in lines:
        text = printable(line).removeprefix("awsmfa: ")
        print(f"awsmfa: agent: {text}", file=sys.stderr)
