"""Every shell awsmfa knows, in one table: what `env` prints for it, the script `hook`
prints, whether `completion` serves it, and the program names `detection` knows it by.
Help strings and error messages list the names from here, in this order."""

from __future__ import annotations

from collections import namedtuple

from awsmfa_exec.shells.dotenv import DotenvShell
from awsmfa_exec.shells.fish import FishShell
from awsmfa_exec.shells.json import JsonShell
from awsmfa_exec.shells.posix import PosixShell
from awsmfa_exec.shells.powershell import PowerShell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import NamedTuple

    from awsmfa_exec.shells.base import Shell

    class ShellEntry(NamedTuple):
        renderer: Shell  # `env --shell NAME`
        hook: str | None = None  # the file in shell/ (awsmfa_exec.hook_scripts) `hook` prints
        completion: str | None = None  # how to install tab completion, when typer completes it
        programs: tuple[str, ...] = ()  # process names that `detection` takes for this shell

else:  # the same, without typing at run time: `env`'s cached path reads this table
    ShellEntry = namedtuple(
        "ShellEntry", ["renderer", "hook", "completion", "programs"], defaults=(None, None, ())
    )


SHELLS: dict[str, ShellEntry] = {
    "bash": ShellEntry(
        PosixShell(ansi_c=True),
        hook="awsmfa.bash",
        completion='eval "$(awsmfa completion bash)"     # in ~/.bashrc',
        programs=("bash",),
    ),
    "zsh": ShellEntry(
        PosixShell(ansi_c=True),
        hook="awsmfa.zsh",
        completion='eval "$(awsmfa completion zsh)"      # in ~/.zshrc, after compinit',
        programs=("zsh",),
    ),
    "sh": ShellEntry(
        PosixShell(),
        programs=("sh", "dash", "ash", "ksh", "ksh93", "mksh", "pdksh", "yash", "posh"),
    ),
    "fish": ShellEntry(
        FishShell(),
        hook="awsmfa.fish",
        completion="awsmfa completion fish | source     # in ~/.config/fish/config.fish",
        programs=("fish",),
    ),
    "powershell": ShellEntry(
        PowerShell(),
        hook="awsmfa.ps1",
        completion="awsmfa completion powershell | Out-String | Invoke-Expression   # in $PROFILE",
        programs=("pwsh", "pwsh-preview", "powershell"),
    ),
    "json": ShellEntry(JsonShell()),
    "dotenv": ShellEntry(DotenvShell()),
}

HOOKS = {name: entry.hook for name, entry in SHELLS.items() if entry.hook}
COMPLETIONS = {name: entry.completion for name, entry in SHELLS.items() if entry.completion}
PROGRAMS = {program: name for name, entry in SHELLS.items() for program in entry.programs}


def spelled(names: Iterable[str]) -> str:
    """`a, b, c or d`: names for a help string."""
    words = list(names)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
