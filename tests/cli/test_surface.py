"""The installed command's surface: version, help, usage errors."""

from __future__ import annotations

import sys

from awsmfa_exec import __version__
from tests.support.commands import awsmfa, run
from tests.support.shells import failed_in_sh


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
        assert failed_in_sh(result.stdout, 2) if args[0] == "env" else result.stdout == ""


def test_unknown_profile_exits_3_with_a_suggestion(aws_files: object) -> None:
    result = awsmfa("exec", "dve", "-t", "123456", "--", "true")
    assert result.returncode == 3
    assert "did you mean 'dev'?" in result.stderr
    assert result.stderr.count("\n") == 1


def test_help_without_a_command_is_help_on_stdout() -> None:
    for args, usage in (
        ([], "Usage: awsmfa [OPTIONS] COMMAND"),
        (["agent"], "Usage: awsmfa agent"),
    ):
        result = awsmfa(*args)
        assert (result.returncode, result.stderr) == (0, ""), args
        assert result.stdout.startswith(usage)
        assert result.stdout == awsmfa(*args, "--help").stdout


def test_exec_and_env_help_show_their_examples_one_a_line() -> None:
    for command, example in (
        ("exec", "    awsmfa exec prod -t 123456 -- aws s3 ls\n"),
        ("env", '    eval "$(awsmfa env dev)"\n'),
        ("hook", '    eval "$(awsmfa hook bash)"    # in ~/.bashrc\n'),
    ):
        result = awsmfa(command, "--help")
        assert result.returncode == 0
        assert "  Examples:\n" in result.stdout
        assert example in result.stdout, result.stdout


def test_clear_of_an_unknown_profile_exits_3(aws_files: object) -> None:
    result = awsmfa("clear", "deve")
    assert result.returncode == 3
    assert result.stderr.endswith("; did you mean 'dev'?\n")
    assert result.stderr.count("\n") == 1


def help_entries(text: str, section: str) -> list[str]:
    """The entries of a `--help` section ("Arguments:"), each with its wrapped lines joined."""
    lines = text.split(f"\n{section}\n", 1)[1].split("\n\n", 1)[0].splitlines()
    entries: list[str] = []
    for line in lines:
        if line.startswith("   ") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip())
    return entries


def test_an_argument_shown_optional_is_never_marked_required() -> None:
    from awsmfa_exec import cli

    for name in [info.name for info in cli.app.registered_commands]:
        result = awsmfa(str(name), "--help")
        assert result.returncode == 0, result.stderr
        if "\nArguments:\n" not in result.stdout:
            continue
        for entry in help_entries(result.stdout, "Arguments:"):
            assert not (entry.startswith("[") and "[required]" in entry), (name, entry)


def test_login_region_speaks_of_the_console_not_a_child() -> None:
    result = awsmfa("login", "--help")
    (region,) = [e for e in help_entries(result.stdout, "Options:") if e.startswith("-r,")]
    assert (
        " ".join(region.split())
        == "-r, --region R Region of the console to open; else the profile's."
    )
    assert "child" not in result.stdout
