"""Signal dispositions a launched command must not inherit from the Python interpreter."""

from __future__ import annotations

import signal

# Python ignores these at start-up; ignored dispositions survive exec, and a command run
# with SIGPIPE ignored prints "Broken pipe" errors instead of ending quietly in a pipeline.
PYTHON_IGNORED = (signal.SIGPIPE, signal.SIGXFSZ)


def restore_defaults() -> None:
    """Give the signals Python ignores back their default action, before an exec."""
    for signum in PYTHON_IGNORED:
        signal.signal(signum, signal.SIG_DFL)
