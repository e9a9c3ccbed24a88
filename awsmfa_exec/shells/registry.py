"""Every shell `env` can speak, by name."""

from __future__ import annotations

from awsmfa_exec.shells import Shell
from awsmfa_exec.shells.dotenv import DotenvShell
from awsmfa_exec.shells.fish import FishShell
from awsmfa_exec.shells.json import JsonShell
from awsmfa_exec.shells.posix import PosixShell
from awsmfa_exec.shells.powershell import PowerShell

SHELLS: dict[str, Shell] = {
    "bash": PosixShell("bash", ansi_c=True),
    "zsh": PosixShell("zsh", ansi_c=True),
    "sh": PosixShell("sh"),
    "fish": FishShell(),
    "powershell": PowerShell(),
    "json": JsonShell(),
    "dotenv": DotenvShell(),
}
