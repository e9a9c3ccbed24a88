"""Tab completion: profile names for PROFILE arguments, and the per-shell scripts.

`cli.main` registers typer's completion classes only under `_AWSMFA_COMPLETE`, so ordinary
runs never import them. bash inserts a candidate into the line as it stands, so each is a
shell word: `zz$(touch x)` is offered as `zz\\$\\(touch\\ x\\)` (zsh and fish quote already).
"""

from __future__ import annotations

import os
import re

from awsmfa_exec.spellings import COMPLETE_VAR as COMPLETE_VAR  # noqa: PLC0414 - re-exported

# Characters bash reads as themselves anywhere in a word; non-ASCII letters too.
_BARE = re.compile(r"[A-Za-z0-9_@%+=:,./-]|[^\x00-\x7f\x80-\x9f]")


def bash_word(value: str) -> str:
    """`value` as one bash word: specials backslashed, control characters as `$'\\xNN'`."""
    if value == "":
        return "''"
    word = []
    for char in value:
        if _BARE.match(char):
            word.append(char)
        elif char < " " or "\x7f" <= char <= "\x9f":
            word.append("$'" + "".join(f"\\x{byte:02x}" for byte in char.encode()) + "'")
        else:
            word.append("\\" + char)
    return "".join(word)


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
    """Register typer's per-shell completion classes (their output matches its scripts),
    bash's with its candidates escaped."""
    from typer._click.shell_completion import CompletionItem, add_completion_class
    from typer._completion_classes import BashComplete, ZshComplete, completion_init

    class EscapingBashComplete(BashComplete):
        def format_completion(self, item: CompletionItem) -> str:
            return bash_word(str(item.value))

    class QuotingZshComplete(ZshComplete):
        def format_completion(self, item: CompletionItem) -> str:
            # typer's '' for ' inside '...' needs zsh's RC_QUOTES: close, quote ', reopen
            return super().format_completion(item).replace("''", "'\\''")

    completion_init()
    add_completion_class(EscapingBashComplete, "bash")
    add_completion_class(QuotingZshComplete, "zsh")


def script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    from awsmfa_exec.errors import UsageError
    from awsmfa_exec.shells.registry import COMPLETIONS

    if shell not in COMPLETIONS:
        raise UsageError(f"completion supports {', '.join(COMPLETIONS)}; got {shell!r}")
    return get_completion_script(prog_name="awsmfa", complete_var=COMPLETE_VAR, shell=shell)
