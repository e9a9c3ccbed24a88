"""The cached path without the CLI framework.

`exec PROFILE [OPTIONS] -- COMMAND...` and `env PROFILE [OPTIONS]`, written plainly, are
read here, so that a run the agent answers does not spend ~30 ms importing typer. Any other
form, and every mistake, reads as None and goes to typer, so the syntax and the errors are
typer's. tests/unit/test_fastpath.py holds `read` to typer's parse of the same words.
"""

from __future__ import annotations

import os

from awsmfa_exec import log
from awsmfa_exec.arrange import Line
from awsmfa_exec.spellings import NO_SESSION, VALUED_BY_COMMAND, by_spelling

_VALUED = by_spelling(VALUED_BY_COMMAND["exec"])
_ENV_VALUED = by_spelling(VALUED_BY_COMMAND["env"])
_FLAGS = by_spelling({"no_session": NO_SESSION})
_CREDENTIAL_DEFAULTS = {"token_code": None, "duration": None, "region": None, "no_session": False}

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from awsmfa_exec.request import Request

    Params = dict[str, Any]


def _split(words: Sequence[str], valued: dict[str, str]) -> tuple[Params, list[str]] | None:
    """Options by parameter name and the positional words; None at anything unusual."""
    found: Params = {}
    positional: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        value: str | bool
        if word in _FLAGS:
            name, value = _FLAGS[word], True
            index += 1
        elif word in valued:
            following = words[index + 1] if index + 1 < len(words) else ""
            if not following or following.startswith("-"):
                return None
            name, value = valued[word], following
            index += 2
        elif word and not word.startswith("-"):
            positional.append(word)
            index += 1
            continue
        else:
            return None
        if name in found:
            return None
        found[name] = value
    return found, positional


def _params(line: Line) -> Params | None:
    """exec's (COMMAND after `--`) or env's (no `--`) parameters."""
    execs = line.name == "exec"
    split = _split(line.head, _VALUED if execs else _ENV_VALUED)
    shaped = bool(line.command) if execs else line.command is None  # exec: COMMAND after --
    if split is None or len(split[1]) != 1 or not shaped:
        return None
    found, (profile,) = split
    own = {"command": line.command} if execs else {"shell": None}
    return {**_CREDENTIAL_DEFAULTS, **own, **found, "profile": profile}


def read(args: Sequence[str]) -> tuple[bool, str, Params] | None:
    """(--debug, command name, its parameters as typer names them) for a plain `exec` or
    `env`; None for anything else."""
    line = Line(args)
    if not line.debug_only:
        return None
    params = _params(line) if line.name in ("exec", "env") else None
    return None if params is None else (bool(line.root), line.name, params)


def request_of(params: Params) -> Request:
    """The request that the parameters `read` found ask for."""
    from awsmfa_exec.request import make_request

    names = ("profile", "token_code", "duration", "region", "no_session")
    return make_request(*(params[name] for name in names))


def parse(args: Sequence[str]) -> Callable[[], None] | None:
    """What to run for `args` when they are a plain `exec` or `env`; else None."""
    got = read(args)
    if got is None:
        return None
    debug, name, params = got

    def run() -> None:
        if debug:
            log.enable_debug()
        request = request_of(params)
        if name == "exec":
            from awsmfa_exec.commands.exec_ import run_exec

            run_exec(request, params["command"], os.environ)
            return
        from awsmfa_exec import shells
        from awsmfa_exec.commands.env import run_env

        run_env(request, params["shell"] or shells.detect(), os.environ)

    return run
