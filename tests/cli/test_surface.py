"""The installed command's surface: version, help, usage errors."""

from __future__ import annotations

import sys

from awsmfa_exec import __version__
from tests.conftest import awsmfa, run


def test_version() -> None:
    result = awsmfa("--version")
    assert (result.returncode, result.stdout) == (0, f"awsmfa {__version__}\n")


def test_module_entry_point() -> None:
    result = run([sys.executable, "-m", "awsmfa_exec", "--version"])
    assert (result.returncode, result.stdout) == (0, f"awsmfa {__version__}\n")


def test_help_shows_examples() -> None:
    result = awsmfa("--help")
    assert result.returncode == 0
    assert "awsmfa exec dev -- terraform apply" in result.stdout
    exec_help = awsmfa("exec", "--help")
    assert "awsmfa exec dev -- terraform apply" in exec_help.stdout


def test_usage_errors_are_one_line_and_exit_2() -> None:
    for args in (
        ["exec"],
        ["exec", "dev", "--bogus"],
        ["env"],
        ["env", "dev", "--unset"],
        ["nope"],
        ["exec", "dev", "-d", "1d", "--", "true"],
    ):
        result = awsmfa(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("awsmfa: error: "), (args, result.stderr)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert result.stdout == ""


def test_exec_without_a_command(aws_files: object) -> None:
    result = awsmfa("exec", "dev", "-t", "123456")
    assert result.returncode == 2
    assert result.stderr == (
        "awsmfa: error: exec needs a command: awsmfa exec PROFILE -- COMMAND [ARG]...\n"
    )


def test_unknown_profile_exits_3_with_a_suggestion(aws_files: object) -> None:
    result = awsmfa("exec", "dve", "-t", "123456", "--", "true")
    assert result.returncode == 3
    assert "did you mean 'dev'?" in result.stderr
    assert result.stderr.count("\n") == 1
