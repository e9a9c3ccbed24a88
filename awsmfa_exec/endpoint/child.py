"""The child process of `exec --server`: start it, pass signals on, report how it ended.

Signals are blocked and taken with `sigtimedwait`, so awsmfa can tell who sent each one. One
from the terminal already reached the child's process group and is not sent twice (a second
SIGINT makes terraform stop at once instead of cleanly); one from `kill` is passed on.
awsmfa is a child subreaper, so what the child leaves running is ended once it exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from awsmfa_exec import log
from awsmfa_exec.errors import launch_failure
from awsmfa_exec.signals import PYTHON_IGNORED, exit_status

if TYPE_CHECKING:
    import psutil

FORWARDED = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGWINCH,
)
_WAITED = (*FORWARDED, signal.SIGCHLD)
SI_KERNEL = 0x80  # si_code of a signal the kernel sent, e.g. the terminal to its job
POLL_SECONDS = 1.0
GRACE_SECONDS = 3.0
PR_SET_CHILD_SUBREAPER = 36


def block_signals() -> set[int | signal.Signals]:
    """Hold the forwarded signals and SIGCHLD for `wait`; returns the mask the child gets."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    return signal.pthread_sigmask(signal.SIG_BLOCK, _WAITED)


def become_subreaper() -> None:
    """Orphans of the child become awsmfa's children instead of init's (Linux)."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # None: not Linux
    if prctl is None or prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        log.debug("could not become a child subreaper; orphans of the command may outlive it")


def spawn(command: Sequence[str], env: Mapping[str, str], mask: set[int | signal.Signals]) -> int:
    """Start `command`, searched on `env`'s PATH as `execvpe` does; returns its pid."""
    name = command[0]
    if os.sep in name:
        candidates = [name]
    else:
        search = (env.get("PATH") or os.defpath).split(os.pathsep)
        candidates = [os.path.join(folder or ".", name) for folder in search]  # noqa: PTH118
    failure: OSError | None = None
    for path in candidates:
        try:
            return os.posix_spawn(
                path, list(command), dict(env), setsigmask=mask, setsigdef=PYTHON_IGNORED
            )
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            failure = failure or exc
    raise launch_failure(name, failure)


def _came_from_terminal_too(info: signal.struct_siginfo, pid: int) -> bool:
    if info.si_code != SI_KERNEL:
        return False
    try:
        return os.getpgid(pid) == os.getpgrp()
    except ProcessLookupError:
        return True


def _reap(pid: int) -> int | None:
    """The child's exit code once it has ended (128+N for signal N); reaps orphans too."""
    ended: int | None = None
    while True:
        try:
            found, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended
        if found == 0:
            return ended
        if found == pid:
            ended = exit_status(os.waitstatus_to_exitcode(status))


def wait(pid: int) -> int:
    """Forward signals to `pid` until it ends; its exit code."""
    while True:
        info = signal.sigtimedwait(_WAITED, POLL_SECONDS)
        if info is not None and info.si_signo != signal.SIGCHLD:
            signo = signal.Signals(info.si_signo)
            if _came_from_terminal_too(info, pid):
                log.debug(f"{signo.name} came from the terminal; the command has it already")
            else:
                log.debug(f"passing {signo.name} on to the command")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signo)
        if (ended := _reap(pid)) is not None:
            return ended


def _alive(process: psutil.Process) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def end_tree(pid: int | None = None) -> None:
    """End `pid` (if still running) and every process below awsmfa: TERM, then KILL."""
    import psutil

    left = psutil.Process().children(recursive=True)
    if pid is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            left = [psutil.Process(pid), *(p for p in left if p.pid != pid)]
    left = [process for process in left if _alive(process)]
    if left:
        log.debug(f"ending {len(left)} process(es) the command left running")
        for process in left:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.terminate()
        _, alive = psutil.wait_procs(left, timeout=GRACE_SECONDS)
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    _reap(-1)
