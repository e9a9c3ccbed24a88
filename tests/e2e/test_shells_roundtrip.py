"""Quoting proven by round trip: arbitrary values through the real shells, byte for byte.

Each hypothesis example sets a batch of variables in ONE shell process, which then prints
its exported environment with `env -0`; every value must come back exactly as given.
NUL cannot be in an environment variable, so it is the one character left out.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from awsmfa_exec import shells
from awsmfa_exec.completion import bash_word
from awsmfa_exec.errors import ConfigError
from tests.support.shells import REAL_SHELLS, environment_of, have, run_shell

EXAMPLES_PER_SHELL = 200
HOSTILE = [
    *list("'\"$`\\\n\r\t !#&();<>?*[]{}|~^%=,:@é€\xa0\u2019\x1b\x7f\x85"),
    "$(touch pwned)",
    "`touch pwned`",
    "'\\''",
    "${HOME}",
    "\\x41",
    "$'\\n'",
]
values = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\0"),
    max_size=24,
)
hostile = st.lists(st.sampled_from(HOSTILE), max_size=8).map("".join)
batches = st.lists(st.one_of(values, hostile), min_size=1, max_size=12)


def mapping_of(batch: list[str]) -> dict[str, str | None]:
    return {f"AWSMFA_T{index}": value for index, value in enumerate(batch)}


def shell_env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C.UTF-8"}


@pytest.mark.parametrize(
    "shell",
    [
        *REAL_SHELLS,
        pytest.param(
            "powershell",
            marks=pytest.mark.skipif(
                not have("powershell"), reason="pwsh is not installed (no Debian package for it)"
            ),
        ),
    ],
)
@settings(
    max_examples=EXAMPLES_PER_SHELL,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=batches)
@example(batch=["=0", "~", "~root", "a=b", "", "-n", "%1", "\r\n", "\\x41"])  # zsh `=cmd`, tildes
def test_values_survive_eval_in_the_real_shell(shell: str, batch: list[str]) -> None:
    expected = mapping_of(batch)
    code = shells.get(shell).export(expected)
    result = run_shell(shell, code + "\nenv -0\n", env=shell_env())
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    got = environment_of(result.stdout)
    assert {key: got.get(key) for key in expected} == expected


def dotenv_refuses(value: str) -> bool:
    """What --shell dotenv must refuse: a value sh would expand in double quotes and that
    cannot go in single quotes, or a `${…}` python-dotenv would expand."""
    return bool(
        (("$" in value or "`" in value) and ("'" in value or "\r" in value))
        or re.search(r"\$\{[^}]*\}", value)
    )


@settings(max_examples=EXAMPLES_PER_SHELL, deadline=None)
@given(batch=batches)
def test_dotenv_round_trips_in_python_dotenv_and_runs_nothing_in_sh(batch: list[str]) -> None:
    from dotenv import dotenv_values

    expected = {key: value for key, value in mapping_of(batch).items() if value is not None}
    try:
        code = shells.get("dotenv").export(expected)
    except ConfigError:
        assert any(dotenv_refuses(value) for value in expected.values())
        return
    assert not any(dotenv_refuses(value) for value in expected.values())
    with tempfile.TemporaryDirectory() as work:
        dotenv = Path(work, ".env")
        dotenv.write_text(code)
        assert dict(dotenv_values(dotenv)) == expected
        result = run_shell("sh", "set -a; . ./.env", env=shell_env(), cwd=Path(work))
        assert (result.returncode, result.stderr) == (0, b"")
        assert [path.name for path in Path(work).iterdir()] == [".env"]


@pytest.mark.parametrize("reader", REAL_SHELLS)
@settings(
    max_examples=EXAMPLES_PER_SHELL,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batch=batches)
@example(batch=["\\'; touch pwned; '", "\\", "'\\''", "a\\'$(touch pwned)"])
def test_sh_output_runs_nothing_in_any_shell(reader: str, batch: list[str]) -> None:
    """sh output is also the fallback when the shell is unknown: every shell reads it safely,
    and as the same values."""
    expected = mapping_of(batch)
    code = shells.get("sh").export(expected)
    with tempfile.TemporaryDirectory() as work:
        result = run_shell(reader, code + "\nenv -0\n", env=shell_env(), cwd=Path(work))
        assert list(Path(work).iterdir()) == []
    assert (result.returncode, result.stderr) == (0, b"")
    got = environment_of(result.stdout)
    assert {key: got.get(key) for key in expected} == expected


@settings(max_examples=EXAMPLES_PER_SHELL, deadline=None)
@given(batch=batches)
def test_unset_removes_every_variable(batch: list[str]) -> None:
    for shell in REAL_SHELLS:
        before = mapping_of(batch)
        after = shells.get(shell).export(dict.fromkeys(before))
        script = shells.get(shell).export(before) + after + "\nenv -0\n"
        result = run_shell(shell, script, env=shell_env())
        assert result.returncode in (0, 4) if shell == "fish" else result.returncode == 0
        assert not set(before) & set(environment_of(result.stdout))


@settings(max_examples=EXAMPLES_PER_SHELL, deadline=None)
@given(batch=batches)
@example(batch=["zz$(touch${IFS}pwned)", "~root", "-n", "a b", "\n", "#x", "{a,b}", "!!"])
def test_bash_completion_candidates_are_words_bash_reads_back(batch: list[str]) -> None:
    """What TAB inserts is read by bash as the profile name itself, in one word."""
    script = "printf '%s\\0' " + " ".join(bash_word(value) for value in batch)
    with tempfile.TemporaryDirectory() as work:
        result = run_shell("bash", script, env=shell_env(), cwd=Path(work))
        assert list(Path(work).iterdir()) == []
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.decode().split("\0")[:-1] == batch
