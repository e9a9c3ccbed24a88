"""Tab completion: profile names for PROFILE arguments, and the per-shell scripts.

The shell calls `awsmfa` back with `_AWSMFA_COMPLETE=complete_<shell>` and the words typed
so far (typer's protocol); `cli.main` registers typer's completion classes only then, so
ordinary runs never import them.
"""

from __future__ import annotations

import os

COMPLETE_VAR = "_AWSMFA_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell")
INSTALL = {
    "bash": 'eval "$(awsmfa completion bash)"     # in ~/.bashrc',
    "zsh": 'eval "$(awsmfa completion zsh)"      # in ~/.zshrc, after compinit',
    "fish": "awsmfa completion fish | source     # in ~/.config/fish/config.fish",
    "powershell": "awsmfa completion powershell | Out-String | Invoke-Expression   # in $PROFILE",
}


def profile_names(incomplete: str) -> list[str]:
    """Profile names starting with `incomplete`; nothing (never an error) when unreadable."""
    from awsmfa_exec.config import Files, load_profiles
    from awsmfa_exec.errors import AwsmfaError

    try:
        profiles = load_profiles(Files.from_environ(os.environ))
    except AwsmfaError:
        return []
    return sorted(name for name in profiles if name.startswith(incomplete))


def requested() -> bool:
    return bool(os.environ.get(COMPLETE_VAR))


def prepare() -> None:
    """Register typer's per-shell completion classes (their output matches its scripts)."""
    from typer._completion_classes import completion_init

    completion_init()


def script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    from awsmfa_exec.errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"completion supports {', '.join(SHELLS)}; got {shell!r}")
    return get_completion_script(prog_name="awsmfa", complete_var=COMPLETE_VAR, shell=shell)
