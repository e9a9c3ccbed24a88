"""A profile whose `region` holds shell syntax: nothing runs, the value arrives intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import AWSMFA, CODE, AwsFiles, Moto
from tests.support.shells import REAL_SHELLS, eval_line, run_shell, shell_quote


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
    config = aws_files.config.read_text().replace(
        "region = eu-central-1\n", f"region = {region}\n", 1
    )
    aws_files.config.write_text(config)
    command = " ".join(
        shell_quote(shell, word) for word in (AWSMFA, "env", "dev", "-t", CODE, "--shell", shell)
    )
    script = f'{eval_line(shell, command)}\nprintf \'%s\\0\' "$AWS_REGION" "$AWS_DEFAULT_REGION"'
    result = run_shell(shell, script, cwd=trap)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.decode() == f"{region}\0{region}\0"
    assert list(trap.iterdir()) == []
