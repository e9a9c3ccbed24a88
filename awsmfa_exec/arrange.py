"""The command line as people type it, put in the one form both parsers read.

Before typer (`cli`) or the plain reader (`fastpath`) sees the words, `arrange` makes three
habits work, the same way for both:

- `--debug` anywhere before `--` (`awsmfa list --debug`) moves to the front, where the
  root command takes it.
- `exec` takes its first word that is not an option, after PROFILE, as the start of the
  command, as aws-vault does: `awsmfa exec dev terraform -version` runs
  `terraform -version`. A `--` is put before that word; an explicit `--` still works, and
  every word after the command's start is the command's own, `--debug` included.
- `exec` without PROFILE (nothing, or `--` first) takes `AWS_PROFILE` from the environment.
"""

from __future__ import annotations

from awsmfa_exec.spellings import VALUED_BY_COMMAND, by_spelling

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

VALUED: Mapping[str, frozenset[str]] = {
    command: frozenset(by_spelling(options)) for command, options in VALUED_BY_COMMAND.items()
}
"""Per command, the options whose value is the next word (`-t 123456`)."""

_ROOT_FLAGS = frozenset({"--debug", "--version", "-h", "--help"})


def _is_option(word: str) -> bool:
    return word.startswith("-") and word != "-"


def _command_start(head: Sequence[str], valued: frozenset[str]) -> int | None:
    """The index of exec's command in `head` (the words before any `--`): the first word
    that is neither an option, an option's value, nor PROFILE."""
    positional = 0
    index = 0
    while index < len(head):
        word = head[index]
        if _is_option(word):
            index += 2 if word in valued else 1
            continue
        positional += 1
        if positional == 2:
            return index
        index += 1
    return None


def _has_profile(head: Sequence[str], valued: frozenset[str]) -> bool:
    index = 0
    while index < len(head):
        word = head[index]
        if not _is_option(word):
            return True
        index += 2 if word in valued else 1
    return False


def _without_debug(head: Sequence[str], valued: frozenset[str]) -> tuple[list[str], bool]:
    """`head` without its `--debug` options (an option's value is left alone)."""
    kept: list[str] = []
    found = False
    index = 0
    while index < len(head):
        word = head[index]
        if word == "--debug":
            found = True
            index += 1
            continue
        kept.append(word)
        if word in valued and index + 1 < len(head):
            kept.append(head[index + 1])
            index += 1
        index += 1
    return kept, found


def arrange(args: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """`args` in the form typer and `fastpath` read (see the module's docstring)."""
    words = list(args)
    lead = 0
    while lead < len(words) and words[lead] in _ROOT_FLAGS:
        lead += 1
    if lead == len(words) or _is_option(words[lead]):
        return words
    root, name, rest = words[:lead], words[lead], words[lead + 1 :]
    cut = rest.index("--") if "--" in rest else len(rest)
    head, tail = rest[:cut], rest[cut:]
    valued = VALUED.get(name, frozenset())
    if name == "exec":
        start = _command_start(head, valued)
        if start is not None:
            head, tail = head[:start], ["--", *head[start:], *tail]
        if not _has_profile(head, valued):
            # "" when unset: exec then says that it needs a PROFILE or AWS_PROFILE.
            head = [environ.get("AWS_PROFILE", ""), *head]
    head, debug = _without_debug(head, valued)
    if debug and "--debug" not in root:
        root = ["--debug", *root]
    return [*root, name, *head, *tail]
