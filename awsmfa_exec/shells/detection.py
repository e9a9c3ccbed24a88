"""Which shell will evaluate `env`'s output: the nearest shell among our ancestors.

`eval "$(awsmfa env dev)"` runs awsmfa in a command substitution, a child of the shell that
evaluates the output; `awsmfa env dev | source` in fish and `| Invoke-Expression` in
PowerShell likewise. So the walk goes up the parent chain, skips wrappers that only pass a
command along (sudo, env, make, nice, ...), and takes the first shell it meets, by the name
it was started under (`-bash` for a login shell is bash; bash started as `sh` is sh). A make
recipe or `sh -c` wrapper that runs `eval "$(awsmfa env dev)"` is evaluated by that sh, so
sh is the right answer there. Anything else, or no answer, falls back to POSIX sh with a
note on stderr.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from awsmfa_exec import log

SHELL_NAMES = {
    "bash": "bash",
    "zsh": "zsh",
    "fish": "fish",
    "pwsh": "powershell",
    "pwsh-preview": "powershell",
    "powershell": "powershell",
    **dict.fromkeys(("sh", "dash", "ash", "ksh", "ksh93", "mksh", "pdksh", "yash", "posh"), "sh"),
}
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
        if name in SHELL_NAMES:
            return SHELL_NAMES[name], name
        if name not in WRAPPERS:
            return None, f"awsmfa was started by {name!r}, not by a shell it knows"
    return None, "no shell found among the parent processes"


def _ancestors(pid: int) -> Iterator[str]:
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


def detect(pid: int | None = None) -> str:
    """The shell that runs the process `pid` (default: our parent); POSIX sh when unsure."""
    shell, why = choose(_ancestors(os.getppid() if pid is None else pid))
    if shell is None:
        log.note(f"note: {why}; printing POSIX sh code (choose with --shell)")
        return "sh"
    log.debug(f"shell detected from the parent process {why!r}: {shell}")
    return shell
