"""`awsmfa hook SHELL`: print the shell integration code shipped in `shell/`.

The scripts are real files (`shell/awsmfa.bash`, …), packaged as `awsmfa_exec.hook_scripts`, so
what shellcheck checks and the tests source is exactly what users load.
"""

from __future__ import annotations

import sys
from importlib import resources

from awsmfa_exec.errors import UsageError
from awsmfa_exec.shells.registry import HOOKS


def hook_source(shell: str) -> str:
    try:
        filename = HOOKS[shell]
    except KeyError:
        raise UsageError(
            f"no hook for shell {shell!r}; choose one of: {', '.join(sorted(HOOKS))}"
        ) from None
    return (
        resources.files("awsmfa_exec.hook_scripts").joinpath(filename).read_text(encoding="utf-8")
    )


def run_hook(shell: str) -> None:
    sys.stdout.write(hook_source(shell))  # stdout: shell code only
    sys.stdout.flush()
