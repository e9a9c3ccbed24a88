"""Make a process's memory hard to read from outside: no core dumps, no ptrace attach by
the same user, and for the agent pages locked out of swap where the limit allows. Failures
are reported by `status`, never fatal. `before_secrets` applies `no_dumps` once, before a
process reads a long-term key, a chain root's credentials or an MFA code; a cached `exec`
skips it (about 2 ms, nearly all `import ctypes`): it holds only what it hands the command.
"""

from __future__ import annotations

import contextlib
import ctypes
import resource

PR_SET_DUMPABLE = 4
MCL_CURRENT = 1
MCL_FUTURE = 2


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)  # the symbols this process already has


def _no_core() -> bool:
    """Soft limit 0: no core file of ours; the hard limit stays, so a command we start can
    raise its own again (`ulimit -c unlimited`)."""
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (OSError, ValueError):
        return False
    return True


def _not_dumpable(libc: ctypes.CDLL) -> bool:
    return int(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0


def _locked(libc: ctypes.CDLL) -> bool:
    """mlockall only with an unlimited RLIMIT_MEMLOCK (or root): a finite limit would make
    later allocations fail once the locked pages reach it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    if soft != resource.RLIM_INFINITY and hard == resource.RLIM_INFINITY:
        try:
            resource.setrlimit(resource.RLIMIT_MEMLOCK, (hard, hard))
            soft = hard
        except (OSError, ValueError):
            pass
    if soft != resource.RLIM_INFINITY:
        return False
    return int(libc.mlockall(MCL_CURRENT | MCL_FUTURE)) == 0


def no_dumps() -> dict[str, bool]:
    """No core file, no same-user ptrace attach or /proc/PID/mem, environ, fd reads: what
    every awsmfa process gets before it reads a secret. `execve` makes the command it
    becomes or starts dumpable again."""
    applied = {"no_core_dumps": _no_core(), "not_dumpable": False}
    with contextlib.suppress(OSError, AttributeError):  # no libc, or no prctl (macOS)
        applied["not_dumpable"] = _not_dumpable(_libc())
    return applied


_applied: dict[str, bool] | None = None


def before_secrets() -> dict[str, bool]:
    """`no_dumps`, once per process."""
    global _applied  # noqa: PLW0603 - once per process
    if _applied is None:
        _applied = no_dumps()
    return _applied


def harden() -> dict[str, bool]:
    """Apply what can be applied; which measures took."""
    applied = {**no_dumps(), "memory_locked": False}
    with contextlib.suppress(OSError, AttributeError):
        applied["memory_locked"] = _locked(_libc())
    return applied
