"""Running the real shells: how each one evaluates `env` output and reads variables back."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.support.commands import NO_METADATA

# argv that runs a script with no rc files, and how the script evaluates awsmfa's output.
SHELL_ARGV = {
    "bash": ["bash", "--norc", "--noprofile", "-c"],
    "zsh": ["zsh", "-f", "-c"],
    "sh": ["sh", "-c"],
    "fish": ["fish", "--no-config", "-c"],
    "powershell": ["pwsh", "-NoProfile", "-NonInteractive", "-Command"],
}
POSIX = ("bash", "zsh", "sh")
REAL_SHELLS = ("bash", "zsh", "sh", "fish")


def have(shell: str) -> bool:
    return shutil.which(SHELL_ARGV[shell][0]) is not None


def eval_line(shell: str, command: str) -> str:
    """Script text that evaluates the output of `command` in `shell`."""
    if shell == "fish":
        return f"{command} | source"
    if shell == "powershell":
        return f"{command} | Out-String | Invoke-Expression"
    return f'eval "$({command})"'


def shell_quote(shell: str, word: str) -> str:
    """A literal word for a script line, in the syntax of `shell`."""
    if shell == "fish":
        return "'" + word.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if shell == "powershell":
        return "'" + word.replace("'", "''") + "'"
    return "'" + word.replace("'", "'\\''") + "'"


def run_shell(
    shell: str,
    script: str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """`script` run by `shell` in a new session (no terminal), output kept as bytes."""
    return subprocess.run(
        [*SHELL_ARGV[shell], script],
        env={**(os.environ if env is None else env), **NO_METADATA},
        capture_output=True,
        timeout=timeout,
        start_new_session=True,
        check=False,
        cwd=cwd,
    )


def environment_of(output: bytes) -> dict[str, str]:
    """Parse `env -0` output."""
    pairs = (item.split("=", 1) for item in output.decode().split("\0") if item)
    return dict(pairs)


def failed_in_sh(stdout: str, status: int) -> bool:
    """Whether `stdout` is what a failed `env` prints for sh: removals only, then the line
    that makes the eval's status `status`."""
    *removals, last = stdout.splitlines() or [""]
    return last == f"(exit {status})" and all(line.startswith("unset ") for line in removals)
