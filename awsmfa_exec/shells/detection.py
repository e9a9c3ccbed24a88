"""Which shell will evaluate `env`'s output: the nearest shell among our ancestors.

`eval "$(awsmfa env dev)"` runs awsmfa as a child of the shell that evaluates its output
(fish's `| source` and PowerShell's `| Invoke-Expression` likewise). So the walk goes up
the parent chain, skips wrappers (sudo, env, make, nice, ...), and takes the first shell by
the name it was started under (`-bash` is bash; bash started as `sh` is sh). Anything else
falls back to POSIX sh with a note on stderr.
"""

from __future__ import annotations

import os

from awsmfa_exec import log
from awsmfa_exec.shells.registry import PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

WRAPPERS = frozenset(
    (
        "sudo", "doas", "env", "make", "gmake", "nice", "ionice", "nohup", "timeout", "time",
        "stdbuf", "chrt", "taskset", "strace", "ltrace", "setsid", "unbuffer", "uv", "uvx",
        "pipx", "flock", "xargs",
    )
)  # fmt: skip
MAX_DEPTH = 16


def program(argv0: str) -> str:
    """`-bash`, `/usr/bin/zsh`, `pwsh.exe` -> `bash`, `zsh`, `pwsh`."""
    name = argv0.rsplit("/", 1)[-1].lstrip("-")
    return name.removesuffix(".exe").lower()


def choose(ancestors: Iterable[str]) -> tuple[str | None, str]:
    """For program names, nearest first: (shell, the ancestor named it), or (None, why)."""
    for name in ancestors:
        if name in PROGRAMS:
            return PROGRAMS[name], name
        if name not in WRAPPERS:
            return None, f"awsmfa was started by {name!r}, not by a shell it knows"
    return None, "no shell found among the parent processes"


def _proc_ancestors(pid: int) -> Iterator[str]:
    """Program names of `pid` and its parents, nearest first, from Linux's /proc: read as
    psutil reads them, without importing psutil."""
    for _ in range(MAX_DEPTH):
        if pid <= 0:
            return
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:  # noqa: PTH123 - bytes, hot path
                cmdline = file.read()
            with open(f"/proc/{pid}/stat", "rb") as file:  # noqa: PTH123
                stat = file.read()
        except OSError:
            return
        # A process that rewrote its argv may leave it space-separated; psutil splits so too.
        argv0 = cmdline.split(b"\0" if cmdline.endswith(b"\0") else b" ", 1)[0]
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses of its own.
        head, _, tail = stat.rpartition(b")")
        name = argv0 or head.partition(b"(")[2]
        yield program(os.fsdecode(name))
        try:
            pid = int(tail.split()[1])
        except (IndexError, ValueError):
            return


def _psutil_ancestors(pid: int) -> Iterator[str]:
    import psutil

    try:
        process: psutil.Process | None = psutil.Process(pid)
        for _ in range(MAX_DEPTH):
            if process is None:
                return
            try:
                argv = process.cmdline()
            except psutil.AccessDenied:
                argv = []
            yield program(argv[0] if argv and argv[0] else process.name())
            process = process.parent()
    except psutil.Error:
        return


def detect(pid: int | None = None, note: bool = True) -> str:
    """The shell that runs the process `pid` (default: our parent); POSIX sh when unsure."""
    proc = os.path.isdir("/proc/self")  # noqa: PTH112 - no pathlib on the cached path
    ancestors = _proc_ancestors if proc else _psutil_ancestors
    shell, why = choose(ancestors(os.getppid() if pid is None else pid))
    if shell is None:
        if note:
            log.note(f"note: {why}; printing POSIX sh code (choose with --shell)")
        return "sh"
    log.debug(f"shell detected from the parent process {why!r}: {shell}")
    return shell
