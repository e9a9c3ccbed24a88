"""Run a command under `strace -f` and tell which paths it touched and which it wrote.

"Wrote" means: opened with O_WRONLY, O_RDWR, O_CREAT or O_TRUNC, created (creat, mkdir,
link, symlink), renamed, truncated or unlinked — and the call succeeded. `-y` makes strace
print the path behind every descriptor, so relative paths and `ftruncate(fd)` resolve.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.commands import AWSMFA, NO_METADATA, run

SYSCALLS = (
    "open,openat,openat2,creat,rename,renameat,renameat2,truncate,ftruncate,"
    "link,linkat,symlink,symlinkat,mkdir,mkdirat,unlink,unlinkat"
)
_WRITE_FLAGS = re.compile(r"\bO_(WRONLY|RDWR|CREAT|TRUNC)\b")
_LINE = re.compile(r"^(\d+) +(\w+)\((.*)\) += (-?\d+)")  # strace pads short pids
_ARG = re.compile(r'\s*(?:"(?:[^"\\]|\\.)*"|\{[^}]*\}|[^,<]*<[^>]*>|[^,]+)')
_FD_PATH = re.compile(r"<(.*)>$")
# syscall -> (index of each path argument, index of its directory-descriptor argument or None)
_PATHS: dict[str, tuple[tuple[int, int | None], ...]] = {
    "open": ((0, None),),
    "openat": ((1, 0),),
    "openat2": ((1, 0),),
    "creat": ((0, None),),
    "rename": ((0, None), (1, None)),
    "renameat": ((1, 0), (3, 2)),
    "renameat2": ((1, 0), (3, 2)),
    "truncate": ((0, None),),
    "link": ((0, None), (1, None)),
    "linkat": ((1, 0), (3, 2)),
    "symlink": ((1, None),),
    "symlinkat": ((2, 1),),
    "mkdir": ((0, None),),
    "mkdirat": ((1, 0),),
    "unlink": ((0, None),),
    "unlinkat": ((1, 0),),
}
_ALWAYS_WRITES = {"creat", "mkdir", "mkdirat", "link", "linkat", "symlink", "symlinkat"}
_ALWAYS_WRITES |= {"rename", "renameat", "renameat2", "truncate", "ftruncate"}
_ALWAYS_WRITES |= {"unlink", "unlinkat"}


@dataclass(frozen=True)
class Access:
    syscall: str
    path: str
    writes: bool


@dataclass
class Audit:
    traced: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    allowed: set[str] = field(default_factory=set)


def _joined(lines: Iterable[str]) -> Iterable[str]:
    """Whole calls: `<unfinished ...>` halves glued to their `<... resumed>` ends."""
    pending: dict[str, str] = {}
    for line in lines:
        pid, _, rest = line.partition(" ")
        rest = rest.lstrip(" ")
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest.removesuffix("<unfinished ...>").rstrip()
        elif rest.startswith("<... "):
            head = pending.pop(pid, "")
            yield f"{pid} {head}{rest.split('resumed>', 1)[1]}"
        else:
            yield line


def _text(arg: str) -> str:
    value = arg.strip()
    if value.startswith('"'):
        return str(ast.literal_eval(value))
    found = _FD_PATH.search(value)
    return found.group(1) if found else value


def accesses(lines: Iterable[str]) -> Iterable[Access]:
    for line in _joined(lines):
        found = _LINE.match(line)
        if not found or found.group(4).startswith("-"):
            continue  # not a call, or a call that failed and so changed nothing
        syscall, raw = found.group(2), found.group(3)
        args = [a.strip() for a in _ARG.findall(raw)]
        writes = syscall in _ALWAYS_WRITES or bool(_WRITE_FLAGS.search(raw))
        if syscall == "ftruncate":
            yield Access(syscall, _text(args[0]), writes=True)
            continue
        for index, dirfd in _PATHS.get(syscall, ()):
            path = _text(args[index])
            if dirfd is not None and not path.startswith("/"):
                path = str(Path(_text(args[dirfd]), path))
            yield Access(syscall, os.path.normpath(path), writes)


def is_bytecode(path: str) -> bool:
    return "/__pycache__" in path and (
        path.endswith("/__pycache__") or re.search(r"\.pyc(\.\d+)?$", path) is not None
    )


def audit(trace: Path, allowed: Sequence[Path]) -> Audit:
    """What the trace touched; writes under /dev, to `allowed` paths or bytecode are allowed."""
    result = Audit()
    permitted = {str(p) for p in allowed}
    for access in accesses(trace.read_text(errors="replace").splitlines()):
        result.traced.add(access.path)
        if not access.writes:
            continue
        if access.path.startswith("/dev/") or access.path in permitted or is_bytecode(access.path):
            result.allowed.add(access.path)
        else:
            result.written.add(access.path)
    return result


DONE = "awsmfa-audit-done"


def traced_run(
    command: Sequence[str], trace: Path, env: Mapping[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`command` under strace; its stdout is a pipe the caller reads, never a file.

    strace follows every process the run starts, the session agent included, and exits
    only when all of them have. So the command runs inside `sh`, which prints a last line
    when the command is done; then the agent (traced too) is asked to stop, and its whole
    life is audited as well.
    """
    strace = ["strace", "-f", "-qq", "-y", "-s", "4096", "-e", "signal=none"]
    strace += ["-e", f"trace={SYSCALLS}", "-o", str(trace)]
    wrapped = ["sh", "-c", f'"$@"; printf \'\\n{DONE} %s\\n\' "$?"', "sh", *command]
    with (
        subprocess.Popen(
            [*strace, *wrapped],
            env={**env, **NO_METADATA},
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        ) as process,
        ThreadPoolExecutor(1) as reader,
    ):
        watchdog = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            assert process.stdout is not None
            assert process.stderr is not None
            stderr = reader.submit(process.stderr.read)
            lines, returncode = [], -1
            for line in process.stdout:
                if line.startswith(f"{DONE} "):
                    returncode = int(line.split()[1])
                    break
                lines.append(line)
            run([AWSMFA, "agent", "stop"], env=env, timeout=30)
            process.wait(timeout)
            stdout = "".join(lines).removesuffix("\n")
            return subprocess.CompletedProcess(process.args, returncode, stdout, stderr.result())
        finally:
            watchdog.cancel()
