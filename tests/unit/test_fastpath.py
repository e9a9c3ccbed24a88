"""The plain `exec`/`env` reader against typer's parse of the same words: whatever it reads,
typer reads the same way; everything else it leaves to typer."""

from __future__ import annotations

import contextlib
import functools
import io
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from awsmfa_exec import cli, fastpath, log, spellings
from awsmfa_exec.arrange import VALUED, Line, arrange
from awsmfa_exec.errors import AwsmfaError


@functools.cache
def whole_app() -> Any:
    """The click group of every command, built once (~30 ms a build)."""
    return typer.main.get_command(cli.app)


def typer_reads(args: list[str]) -> tuple[bool, str, dict[str, Any]] | None:
    """(--debug, command, its parameters) as typer parses `args`; None when it refuses."""
    group = whole_app()
    try:
        ctx = group.make_context("awsmfa", list(args))
        words = [*ctx._protected_args, *ctx.args]
        name, command, rest = group.resolve_command(ctx, words)
        assert command is not None
        sub = command.make_context(name, rest, parent=ctx)
    except (cli.ClickException, typer.Exit):
        return None
    params = dict(sub.params)
    if name == "exec":
        params["command"] = list(params["command"] or [])
        if params.pop("server"):
            return None
    if name == "env" and params.pop("unset"):
        return None
    return bool(ctx.params["debug"]), str(name), params


HOT = [
    ["exec", "dev", "--", "true"],
    ["exec", "dev", "--", "terraform", "apply", "-auto-approve"],
    ["exec", "dev", "--", "sh", "-c", "echo $AWS_REGION", "--", "x"],
    ["exec", "-t", "123456", "dev", "--", "true"],
    ["exec", "dev", "--token-code", "123456", "--region", "eu-west-1", "--", "aws", "--help"],
    ["exec", "dev", "-d", "2h", "--no-session", "-r", "us-east-1", "--", "true"],
    ["--debug", "exec", "dev", "--", "true"],
    ["--debug", "--debug", "env", "dev"],
    ["env", "dev"],
    ["env", "dev", "--shell", "fish"],
    ["env", "-s", "json", "dev", "-t", "654321"],
    ["env", "dev", "--duration", "90m", "--no-session"],
]

LEFT_TO_TYPER = [
    [],
    ["exec"],
    ["exec", "dev"],
    ["exec", "dev", "true"],
    ["exec", "dev", "--"],
    ["exec", "--", "dev", "true"],
    ["exec", "dev", "true", "--", "x"],
    ["exec", "dev", "--bogus", "--", "true"],
    ["exec", "dev", "-t", "--", "true"],
    ["exec", "dev", "-t123456", "--", "true"],
    ["exec", "dev", "--token-code=123456", "--", "true"],
    ["exec", "dev", "-r", "a", "-r", "b", "--", "true"],
    ["exec", "dev", "--server", "--", "true"],
    ["exec", "dev", "--help", "--", "true"],
    ["exec", "--debug", "dev", "--", "true"],
    ["exec", "", "--", "true"],
    ["exec", "-", "--", "true"],
    ["env"],
    ["env", "--unset"],
    ["env", "dev", "prod"],
    ["env", "dev", "-s"],
    ["env", "dev", "--shell", "-x"],
    ["env", "dev", "-h"],
    ["--version", "exec", "dev", "--", "true"],
    ["--help"],
    ["-h", "env", "dev"],
    ["list"],
    ["agent", "status"],
    ["execute", "dev", "--", "true"],
]


@pytest.mark.parametrize("args", HOT, ids=" ".join)
def test_the_plain_forms_are_read_as_typer_reads_them(args: list[str]) -> None:
    assert fastpath.read(args) is not None
    assert fastpath.read(args) == typer_reads(args)


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=lambda args: " ".join(args) or "nothing")
def test_everything_else_goes_to_typer(args: list[str]) -> None:
    assert fastpath.read(args) is None


WORDS = st.sampled_from(
    [
        "exec", "env", "dev", "prod", "true", "--", "-", "", "--debug", "-t", "--token-code",
        "123456", "-d", "--duration", "1h", "-r", "--region", "eu-west-1", "--no-session",
        "-s", "--shell", "bash", "--unset", "--server", "-h", "--help", "--version", "-x",
        "--token-code=123456", "-t123456", "list",
    ]
)  # fmt: skip


ARGS = st.builds(
    lambda debug, name, rest: [*debug, name, *rest],
    st.lists(st.just("--debug"), max_size=2),
    st.sampled_from(["exec", "env"]),
    st.lists(WORDS, max_size=8),
)


@settings(max_examples=500, deadline=None)
@given(ARGS)
def test_whatever_is_read_typer_reads_the_same(args: list[str]) -> None:
    got = fastpath.read(args)
    if got is not None:
        assert got == typer_reads(args)


PROFILES = ("dev", "prod", "acct-1")
VALUES = {
    "token_code": st.sampled_from(["123456", "000000"]),
    "duration": st.sampled_from(["1h", "900", "90m"]),
    "region": st.sampled_from(["eu-west-1", "us-east-1"]),
    "shell": st.sampled_from(["bash", "fish", "json"]),
}
COMMAND_WORDS = st.sampled_from(["true", "terraform", "apply", "-x", "--", "--debug", "-t", ""])


@st.composite
def plain_forms(draw: st.DrawFn) -> list[str]:
    """A plain `exec` or `env` (each option once, in any order, spelled any way): what
    `fastpath.read` must read."""
    name = draw(st.sampled_from(["exec", "env"]))
    spelled = {"no_session": ("--no-session",), **spellings.VALUED_BY_COMMAND[name]}
    chosen = draw(st.lists(st.sampled_from(sorted(spelled)), unique=True))
    items = [[draw(st.sampled_from(PROFILES))]]
    for param in chosen:
        spelling = draw(st.sampled_from(spelled[param]))
        items.append([spelling] if param == "no_session" else [spelling, draw(VALUES[param])])
    words = [word for item in draw(st.permutations(items)) for word in item]
    if name == "exec":
        first = draw(st.sampled_from(["true", "terraform"]))
        words += ["--", first, *draw(st.lists(COMMAND_WORDS, max_size=4))]
    return [*draw(st.lists(st.just("--debug"), max_size=2)), name, *words]


@settings(max_examples=300, deadline=None)
@given(plain_forms())
def test_every_plain_form_is_read_as_typer_reads_it(args: list[str]) -> None:
    got = fastpath.read(args)
    assert got is not None, args
    assert got == typer_reads(args)


# Both parsers get the words `arrange` made of what was typed (entry.main), so these are
# read on the plain path too, and the same way.
ARRANGED = [
    (["exec", "dev", "true"], ["exec", "dev", "--", "true"]),
    (["exec", "dev", "terraform", "-version"], ["exec", "dev", "--", "terraform", "-version"]),
    (["exec", "dev", "-t", "123456", "ls", "-d", "/tmp"], None),
    (["exec", "dev", "-d", "1h", "sh", "-c", "x", "--", "y"], None),
    (["exec", "dev", "--debug", "-r", "eu-west-1", "true"], None),
    (["exec", "-t", "123456", "--", "true"], ["exec", "dev", "-t", "123456", "--", "true"]),
    (["exec", "dev", "true", "--debug"], ["exec", "dev", "--", "true", "--debug"]),
    (["env", "dev", "--debug"], ["--debug", "env", "dev"]),
    (["env", "-s", "--debug", "dev"], ["env", "-s", "--debug", "dev"]),
    (["list", "--debug", "--json"], ["--debug", "list", "--json"]),
    (["--debug", "exec", "dev", "--debug", "x"], ["--debug", "exec", "dev", "--", "x"]),
]


@pytest.mark.parametrize(("typed", "arranged"), ARRANGED, ids=lambda a: " ".join(a or []))
def test_arranged_words_are_read_as_typer_reads_them(
    typed: list[str], arranged: list[str] | None
) -> None:
    words = arrange(typed, {"AWS_PROFILE": "dev"})
    if arranged is not None:
        assert words == arranged
    got = fastpath.read(words)
    if "exec" in words:  # every exec above is a plain one once arranged
        assert got is not None
    assert got in (None, typer_reads(words))
    assert arrange(words, {"AWS_PROFILE": "dev"}) == words  # arranging twice changes nothing


@settings(max_examples=500, deadline=None)
@given(ARGS, st.sampled_from([{}, {"AWS_PROFILE": "dev"}]))
def test_whatever_is_read_after_arranging_typer_reads_the_same(
    args: list[str], environ: dict[str, str]
) -> None:
    words = arrange(args, environ)
    got = fastpath.read(words)
    if got is not None:
        assert got == typer_reads(words)


@settings(max_examples=200, deadline=None)
@given(plain_forms().filter(lambda args: "exec" in args), st.booleans())
def test_a_plain_exec_typed_without_dashes_or_profile_is_read_once_arranged(
    args: list[str], profile_left_out: bool
) -> None:
    """`exec dev ... true ...` (no `--`) and, with AWS_PROFILE, `exec ... -- true`."""
    cut = args.index("--")
    head, command = args[:cut], args[cut + 1 :]
    profile = next(word for word in head if word in PROFILES)
    typed, environ = [*head, *command], {}
    if profile_left_out:
        typed = [word for word in head if word != profile] + ["--", *command]
        environ = {"AWS_PROFILE": profile}
    words = arrange(typed, environ)
    got = fastpath.read(words)
    assert got is not None, (typed, words)
    assert got == typer_reads(words)
    assert got[2]["command"] == command


@pytest.mark.parametrize("name", [info.name or "" for info in cli.app.registered_commands])
def test_arrange_knows_which_options_take_a_value(name: str) -> None:
    command = typer.main.get_command(cli._app_for(Line([name]))).commands[name]  # type: ignore[attr-defined]
    valued = {
        spelling
        for param in command.params
        if param.param_type_name == "option" and not param.is_flag
        for spelling in param.opts
    }
    assert valued == VALUED.get(name, set())


def typer_outcome(app: typer.Typer, args: list[str]) -> tuple[str, str, str, str]:
    """What typer prints on stdout for `args`, and the error it raises (kind, text, where);
    a command that does run finds no AWS files and no agent here."""
    command = typer.main.get_command(app)
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        try:
            command.main(args=args, prog_name="awsmfa", standalone_mode=False)
        except (cli.ClickException, typer.Exit, AwsmfaError) as exc:
            where = getattr(getattr(exc, "ctx", None), "command_path", "")
            return stdout.getvalue(), type(exc).__name__, cli._click_message(exc), where
    return stdout.getvalue(), "", "", ""


SPELLINGS = [["--help"], [], ["--bogus"], ["-h"], ["a", "b", "c", "d"], ["-t"], ["--json", "x"]]


@pytest.mark.parametrize("name", [info.name or "" for info in cli.app.registered_commands])
def test_the_app_built_for_one_command_helps_and_fails_as_the_whole_one(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "_debug", False)  # --debug switches it on for the process
    for args in ([name, *words] for words in SPELLINGS):
        for spelled in (args, ["--debug", *args]):
            lean = cli._app_for(Line(spelled))
            assert lean is not cli.app
            assert typer_outcome(lean, spelled) == typer_outcome(cli.app, spelled)
    assert cli._app_for(Line(["--help", name])) is cli.app
