"""The interface every shell module implements, and the helpers they share.

A shell renders a mapping of names to values (`None`: unset) into code that reproduces
every value byte for byte; keys are checked, output sorted so that it is stable.
"""

from __future__ import annotations

import re

from awsmfa_exec.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Protocol

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


if TYPE_CHECKING:  # an interface for the type checker: no typing at run time

    class Shell(Protocol):
        def export(self, env: Mapping[str, str | None]) -> str:
            """Code that sets each str value and unsets each None value."""
            ...

        def failed(self, status: int) -> str:
            """The last line `env` prints when it fails: evaluated, it makes the evaluation fail
            (with `status` where the shell can) and leaves the shell running; "" for a data
            format, of which `env` then prints nothing."""
            ...


def checked(env: Mapping[str, str | None]) -> list[tuple[str, str | None]]:
    """The mapping's items, sorted, after checking every key is a valid variable name."""
    for key in env:
        if not _KEY.match(key):
            raise UsageError(f"invalid environment variable name {key!r}")
    return sorted(env.items())


def render(
    env: Mapping[str, str | None], assign: Callable[[str, str], str], remove: Callable[[str], str]
) -> str:
    """One line per variable, sorted: `assign(key, value)`, or `remove(key)` for None."""
    return "".join(
        (remove(key) if value is None else assign(key, value)) + "\n" for key, value in checked(env)
    )
