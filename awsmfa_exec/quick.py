"""The cached path without the CLI framework.

`exec PROFILE [OPTIONS] -- COMMAND...` and `env PROFILE [OPTIONS]`, written plainly (each
option once, its value as the next word), are parsed here, so that a run the agent answers
does not spend ~30 ms importing typer and building its commands. Any other form, and every
mistake, returns None and goes to typer (`cli`): the syntax accepted and the errors printed
are typer's. tests/unit/test_quick.py holds this parser to typer's on the same words.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from awsmfa_exec import log

_VALUED = {
    "-t": "token_code",
    "--token-code": "token_code",
    "-d": "duration",
    "--duration": "duration",
    "-r": "region",
    "--region": "region",
}
_ENV_VALUED = {**_VALUED, "-s": "shell", "--shell": "shell"}
_FLAGS = {"--no-session": "no_session"}

Found = dict[str, "str | bool"]


def _split(words: Sequence[str], valued: dict[str, str]) -> tuple[Found, list[str]] | None:
    """Options by name and the positional words; None at anything unusual."""
    found: Found = {}
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


def _request(profile: str, found: Found) -> object:
    from awsmfa_exec.obtain import make_request

    def text(name: str) -> str | None:
        value = found.get(name)
        return value if isinstance(value, str) else None

    return make_request(
        profile, text("token_code"), text("duration"), text("region"), "no_session" in found
    )


def _exec(words: list[str], debug: bool) -> Callable[[], None] | None:
    if "--" not in words:
        return None
    cut = words.index("--")
    command = words[cut + 1 :]
    split = _split(words[:cut], _VALUED)
    if split is None or len(split[1]) != 1 or not command:
        return None
    found, (profile,) = split

    def run() -> None:
        if debug:
            log.enable_debug()
        from awsmfa_exec.commands.exec_ import run_exec

        run_exec(_request(profile, found), command, os.environ)  # type: ignore[arg-type]

    return run


def _env(words: list[str], debug: bool) -> Callable[[], None] | None:
    split = _split(words, _ENV_VALUED)
    if split is None or len(split[1]) != 1:
        return None
    found, (profile,) = split
    shell = found.pop("shell", None)

    def run() -> None:
        if debug:
            log.enable_debug()
        from awsmfa_exec import shells
        from awsmfa_exec.commands.env import run_env

        shell_name = shell if isinstance(shell, str) else shells.detect()
        run_env(_request(profile, found), shell_name, os.environ)  # type: ignore[arg-type]

    return run


def parse(args: Sequence[str]) -> Callable[[], None] | None:
    """What to run for `args` when they are a plain `exec` or `env`; else None."""
    words = list(args)
    debug = False
    while words[:1] == ["--debug"]:
        words.pop(0)
        debug = True
    if words[:1] == ["exec"]:
        return _exec(words[1:], debug)
    if words[:1] == ["env"]:
        return _env(words[1:], debug)
    return None
