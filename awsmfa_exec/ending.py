"""How every run ends: one error line and its exit code (errors.py) for every failure, or the
command's status, and an exit that skips the interpreter's teardown. `entry` (the plain
exec/env) and `cli` (typer) both end here."""

from __future__ import annotations

import os
import sys

from awsmfa_exec import log
from awsmfa_exec.errors import AwsmfaError, ExitCode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn


def interrupted() -> NoReturn:
    sys.stderr.write("\nawsmfa: interrupted\n")
    sys.exit(ExitCode.INTERRUPTED)


def fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"awsmfa: error: {message}\n")
    sys.exit(code)


def leave(code: int) -> NoReturn:
    """Flush and end the process without tearing the interpreter down (~7 ms of a ~50 ms
    run): the command's work is done and nothing is left to clean up."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = ExitCode.FAILURE
    except ValueError:  # closed
        pass
    try:  # noqa: SIM105 - contextlib is not imported on the cached path
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _debug_traceback() -> None:
    if log.debugging():
        import traceback  # ~3 ms of imports, for --debug only

        traceback.print_exc()


def conclude(work: Callable[[], object]) -> NoReturn:
    """Run `work` and exit with its status (an int, else 0), or report what it raised."""
    try:
        result = work()
    except AwsmfaError as exc:
        _debug_traceback()
        fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        interrupted()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(ExitCode.FAILURE)
    except Exception as exc:
        _debug_traceback()
        fail(f"unexpected {type(exc).__name__}; run with --debug for details", ExitCode.FAILURE)
    if result == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a silent return of 130
        interrupted()
    leave(result if isinstance(result, int) else ExitCode.OK)
