"""A profile whose `region` holds shell syntax: nothing runs, the value arrives intact,
in each shell's own output, in sh output whatever shell reads it, and in a `.env` file read
by python-dotenv or sourced by sh."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import AWSMFA, awsmfa
from tests.support.proof import assert_one_error_line
from tests.support.shells import REAL_SHELLS, eval_line, run_shell, shell_quote
from tests.support.sts_server import Moto


def hostile_region(trap: Path) -> str:
    attempts = [
        f"'$(touch {trap}/single)'",
        f'"$(touch {trap}/double)"',
        f"`touch {trap}/backquote`",
        f"$(touch {trap}/dollar)",
        f"(touch {trap}/fish)",
        f"\\'\\\"; touch {trap}/semicolon",
        f"$Env:X; New-Item {trap}/powershell",
    ]
    return "eu-west-1" + "".join(attempts) + " \t'"


@pytest.mark.parametrize("shell", REAL_SHELLS)
def test_region_full_of_shell_syntax_runs_nothing(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, shell: str
) -> None:
    trap = tmp_path / "trap"
    trap.mkdir()
    region = hostile_region(trap)
    with_region(aws_files, region)
    command = " ".join(
        shell_quote(shell, word) for word in (AWSMFA, "env", "dev", "-t", CODE, "--shell", shell)
    )
    script = f'{eval_line(shell, command)}\nprintf \'%s\\0\' "$AWS_REGION" "$AWS_DEFAULT_REGION"'
    result = run_shell(shell, script, cwd=trap)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.decode() == f"{region}\0{region}\0"
    assert list(trap.iterdir()) == []


def with_region(aws_files: AwsFiles, region: str) -> None:
    config = aws_files.config.read_text().replace(
        "region = eu-central-1\n", f"region = {region}\n", 1
    )
    aws_files.config.write_text(config)


# The sh output of `env`, as each shell reads it: named, or when the parent is no shell
# awsmfa knows (a python wrapper here) and it falls back to sh, inside fish.
SH_OUTPUT = {
    "bash": "--shell sh",
    "zsh": "--shell sh",
    "sh": "--shell sh",
    "fish": "--shell sh",
    "fish, fallback": "",
}
WRAPPER = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


@pytest.mark.parametrize("case", sorted(SH_OUTPUT))
def test_sh_output_runs_nothing_in_any_shell(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, case: str
) -> None:
    reader = case.partition(",")[0]
    trap = tmp_path / "trap"
    trap.mkdir()
    region = hostile_region(trap)
    with_region(aws_files, region)
    words = [AWSMFA, "env", "dev", "-t", CODE, *SH_OUTPUT[case].split()]
    if not SH_OUTPUT[case]:
        words = [sys.executable, "-c", WRAPPER, *words]
    command = " ".join(shell_quote(reader, word) for word in words)
    script = f'{eval_line(reader, command)}\nprintf \'%s\\0\' "$AWS_REGION" "$AWS_DEFAULT_REGION"'
    result = run_shell(reader, script, cwd=trap)
    assert result.returncode == 0, result.stderr
    fallback = b"printing POSIX sh code (choose with --shell)"
    assert (fallback in result.stderr) == (not SH_OUTPUT[case]), result.stderr
    assert result.stdout.decode() == f"{region}\0{region}\0"
    assert list(trap.iterdir()) == []


def dotenv_regions(trap: Path) -> dict[str, str]:
    """Regions --shell dotenv can write: with `'` (double quotes), with `$` (single quotes)."""
    return {
        "quotes": f"eu\\'\\\"; touch {trap}/semicolon; ' #\"",
        "dollars": f'eu$(touch {trap}/dollar)`touch {trap}/backquote`\\\\ "$HOME";#',
    }


@pytest.mark.parametrize("kind", ["quotes", "dollars"])
def test_dotenv_reads_back_in_python_dotenv_and_runs_nothing_in_sh(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, kind: str
) -> None:
    from dotenv import dotenv_values

    trap = tmp_path / "trap"
    trap.mkdir()
    region = dotenv_regions(trap)[kind]
    with_region(aws_files, region)
    written = awsmfa("env", "dev", "-t", CODE, "--shell", "dotenv")
    assert written.returncode == 0, written.stderr
    (tmp_path / ".env").write_text(written.stdout)
    assert dotenv_values(tmp_path / ".env")["AWS_REGION"] == region
    sourced = run_shell("sh", "set -a; . ./.env", cwd=tmp_path)
    assert (sourced.returncode, sourced.stderr) == (0, b"")
    assert list(trap.iterdir()) == []


def test_dotenv_refuses_a_value_it_cannot_write_safely(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    with_region(aws_files, hostile_region(tmp_path))
    result = awsmfa("env", "dev", "-t", CODE, "--shell", "dotenv")
    message = assert_one_error_line(result)
    assert result.returncode == 3
    assert result.stdout == ""
    assert message == (
        "--shell dotenv cannot write the value of AWS_DEFAULT_REGION so that python-dotenv "
        "reads it as it is and sh runs nothing from it; use another --shell"
    )
