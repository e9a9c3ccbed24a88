"""Every shell `env` can speak, by name."""

from __future__ import annotations

from awsmfa_exec.shells import Shell
from awsmfa_exec.shells.posix import PosixShell

SHELLS: dict[str, Shell] = {
    "bash": PosixShell("bash"),
    "zsh": PosixShell("zsh"),
    "sh": PosixShell("sh"),
}
