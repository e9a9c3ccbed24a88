"""Signals and launched commands: the dispositions a command must not inherit from the Python
interpreter, and how a command's end is told as an exit status."""

from __future__ import annotations

import signal

# Python ignores these at start-up; ignored dispositions survive exec, and a command run
# with SIGPIPE ignored prints "Broken pipe" errors instead of ending quietly in a pipeline.
PYTHON_IGNORED = (signal.SIGPIPE, signal.SIGXFSZ)


def restore_defaults() -> None:
    """Give the signals Python ignores back their default action, before an exec."""
    for signum in PYTHON_IGNORED:
        signal.signal(signum, signal.SIG_DFL)


def exit_status(returncode: int) -> int:
    """A command's end as a shell reports it: its exit code, or 128+N when signal N killed
    it (Python gives that as -N)."""
    return 128 - returncode if returncode < 0 else returncode
