"""A failed `env` fails the eval in every real shell: `eval "$(awsmfa env dvv)" && terraform
apply` never runs terraform, and the shell no longer holds the keys it held before."""

from __future__ import annotations

import os

import pytest

from awsmfa_exec.environ import REMOVED, SET
from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import AWSMFA, awsmfa
from tests.support.shells import (
    REAL_SHELLS,
    environment_of,
    eval_line,
    have,
    run_shell,
    shell_quote,
)
from tests.support.sts_server import Moto

AND = {"bash": "&&", "zsh": "&&", "sh": "&&", "fish": "; and", "powershell": "&&"}
STATUS = {"fish": "echo status=$status", "powershell": 'echo "status=$LASTEXITCODE"'}
# The keys of another profile, loaded before the failed switch.
BEFORE = {
    "AWS_ACCESS_KEY_ID": "AKIAPREVIOUSPROFILE0",
    "AWS_SECRET_ACCESS_KEY": "previous-secret",
    "AWS_SESSION_TOKEN": "previous-token",
    "AWSMFA_PROFILE": "prod",
    "AWS_PROFILE": "prod",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/prod",
    "AWS_REGION": "eu-west-3",
}
FAILURES = {
    "misspelled profile": (("dvv", "-t", CODE), 3),  # read without typer (fastpath)
    "unknown option": (("dev", "--bogus"), 2),  # a usage error from typer
    "no code, no terminal": (("dev",), 2),
}


@pytest.mark.parametrize("case", list(FAILURES))
@pytest.mark.parametrize("shell", [*REAL_SHELLS, "powershell"])
def test_failed_env_fails_the_eval_and_drops_the_keys(moto: Moto, shell: str, case: str) -> None:
    if not have(shell):
        pytest.skip(f"{shell} is not installed")
    args, exit_code = FAILURES[case]
    command = " ".join(shell_quote(shell, word) for word in (AWSMFA, "env", *args))
    script = "\n".join(
        (
            f"{eval_line(shell, command)} {AND[shell]} echo RAN",
            STATUS.get(shell, 'echo "status=$?"'),
            "env -0",
        )
    )
    result = run_shell(shell, script, env={**os.environ, **BEFORE})
    status, _, listed = result.stdout.partition(b"\n")
    assert b"RAN" not in status, result.stderr
    # POSIX shells give awsmfa's own exit status, as `awsmfa-use` returns it; fish's `false`, 1
    assert status == f"status={1 if shell == 'fish' else exit_code}".encode(), result.stderr
    assert result.stderr.decode().startswith("awsmfa: error: "), result.stderr
    left = environment_of(listed)
    assert not {*SET, *REMOVED} - {"AWS_REGION"} & set(left), left
    assert left["AWS_REGION"] == "eu-west-3"  # a region grants nothing: it stays


@pytest.mark.parametrize("shell", ["json", "dotenv"])
def test_failed_env_prints_no_data(aws_files: AwsFiles, shell: str) -> None:
    # data, not code: credential_process and dotenv readers go by the exit status
    result = awsmfa("env", "dvv", "-t", CODE, "--shell", shell)
    assert (result.returncode, result.stdout) == (3, "")
