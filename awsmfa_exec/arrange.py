"""The one reading of a command line's shape before any parser, and the one choice of PROFILE.

`Line` splits the words where every reader looks; `arrange` puts them in the one form all
read: `--debug` before `--` moves to the front; `exec`'s first word that is not an option,
after PROFILE, starts the command (as aws-vault does), and `each`'s first after the PATTERNs
that is no glob and no profile, with a `--` put before it. A PROFILE left out is
`AWS_PROFILE` (`profile_of`); `exec` gets it put in its place.
"""

from __future__ import annotations

from awsmfa_exec.spellings import FROM_FILE, VALUED_BY_COMMAND, by_spelling

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    Tests = Callable[[str], bool]

VALUED: Mapping[str, frozenset[str]] = {
    command: frozenset(by_spelling(options)) for command, options in VALUED_BY_COMMAND.items()
}
"""Per command, the options whose value is the next word (`-t 123456`)."""

_ROOT_FLAGS = frozenset({"--debug", "--version", "-h", "--help"})


def _is_option(word: str) -> bool:
    return word.startswith("-") and word != "-"


class Line:
    """`args` split: `root`, the root's options before the command; `name`, the command ("" when
    an option other than the root's, or nothing, comes first: then `head` holds the rest as it
    is); `head`, its words up to the first `--`; `command`, the words after it (None: no `--`)."""

    __slots__ = ("command", "head", "name", "root")

    def __init__(self, args: Sequence[str]) -> None:
        words = list(args)
        lead = 0
        while lead < len(words) and words[lead] in _ROOT_FLAGS:
            lead += 1
        self.root = words[:lead]
        self.name = "" if lead == len(words) or _is_option(words[lead]) else words[lead]
        self.head = words[lead + 1 :] if self.name else words[lead:]
        self.command: list[str] | None = None
        if self.name and "--" in self.head:
            cut = self.head.index("--")
            self.head, self.command = self.head[:cut], self.head[cut + 1 :]

    @property
    def debug_only(self) -> bool:
        """Whether the root's options are `--debug` alone (those the readers take)."""
        return all(word == "--debug" for word in self.root)

    def words(self) -> list[str]:
        name = [self.name] if self.name else []
        tail = [] if self.command is None else ["--", *self.command]
        return [*self.root, *name, *self.head, *tail]


def _command_start(
    head: Sequence[str], valued: frozenset[str], own: int, is_pattern: Tests | None = None
) -> int | None:
    """The index in `head` of the first positional word after the first `own` that is no
    PATTERN (`is_pattern`); options and their values are skipped."""
    index = 0
    while index < len(head):
        word = head[index]
        if _is_option(word):
            index += 2 if word in valued else 1
            continue
        if own <= 0 and not (is_pattern and is_pattern(word)):
            return index
        own -= 1
        index += 1
    return None


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


def arrange(
    args: Sequence[str], environ: Mapping[str, str], is_pattern: Tests | None = None
) -> list[str]:
    """`args` in the form typer and `fastpath` read (see the module's docstring). `each`
    without `--` is left as it is unless `is_pattern` is given (it reads the AWS files)."""
    line = Line(args)
    valued = VALUED.get(line.name, frozenset())
    start = _command_start(line.head, valued, 1) if line.name == "exec" else None
    if line.name == "each" and line.command is None:  # with `--`, the patterns end there
        if is_pattern is None:
            return line.words()
        listed = any(word in FROM_FILE or word.startswith("--from-file=") for word in line.head)
        start = _command_start(line.head, valued, 0 if listed else 1, is_pattern)
    if start is not None:
        after = [] if line.command is None else ["--", *line.command]
        line.head, line.command = line.head[:start], [*line.head[start:], *after]
    if line.name == "exec" and _command_start(line.head, valued, 0) is None:
        # "" when unset: exec then says that it needs a PROFILE or AWS_PROFILE.
        line.head = [profile_of(None, environ), *line.head]
    if line.name:
        line.head, debug = _without_debug(line.head, valued)
        if debug and "--debug" not in line.root:
            line.root = ["--debug", *line.root]
    return line.words()


def profile_of(named: str | None, environ: Mapping[str, str], usage: str = "") -> str:
    """PROFILE as named, else `AWS_PROFILE`. Neither: "", or, given `usage` (the command's
    spelling: "exec PROFILE -- COMMAND"), a UsageError that says how to name one."""
    profile = named or environ.get("AWS_PROFILE", "")
    if not profile and usage:
        from awsmfa_exec.errors import UsageError

        needs = f"{usage.partition(' ')[0]} needs a PROFILE, or AWS_PROFILE in the environment"
        raise UsageError(f"{needs}: awsmfa {usage}")
    return profile
