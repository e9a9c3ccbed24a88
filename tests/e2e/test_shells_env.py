"""`awsmfa env` evaluated by the real shells, then the real aws CLI in that same shell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from awsmfa_exec.environ import SET
from tests.support.aws_files import CODE, AwsFiles, role_arn_of
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.shells import (
    REAL_SHELLS,
    environment_of,
    eval_line,
    run_shell,
    shell_quote,
)
from tests.support.sts_server import Moto

WHOAMI = "aws sts get-caller-identity --query Arn --output text"


def env_command(shell: str, *args: str) -> str:
    return " ".join(shell_quote(shell, word) for word in (AWSMFA, "env", *args))


@pytest.mark.parametrize("shell", REAL_SHELLS)
def test_env_then_aws_cli_in_the_same_shell(moto: Moto, shell: str) -> None:
    script = eval_line(shell, env_command(shell, "dev", "-t", CODE, "--shell", shell))
    result = run_shell(shell, f"{script}\n{WHOAMI}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]


@pytest.mark.parametrize("shell", REAL_SHELLS)
def test_shell_is_detected_from_the_parent(moto: Moto, shell: str) -> None:
    env = {**os.environ, "AWSMFA_DEBUG": "1"}
    script = eval_line(shell, env_command(shell, "dev", "-t", CODE))
    result = run_shell(shell, f"{script}\n{WHOAMI}\n", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith(role_arn_of("dev"))
    assert f"shell detected from the parent process '{shell}': {shell}\n" in result.stderr.decode()
    assert b"note:" not in result.stderr


def test_login_shell_name_is_understood(moto: Moto) -> None:
    # bash started as `-bash`, the way login(1) and sshd start it
    script = f'eval "$({env_command("bash", "dev", "-t", CODE)})"; echo "$AWSMFA_PROFILE"'
    result = run(["bash", "-c", f"exec -a -bash bash -c {shell_quote('bash', script)}"])
    assert result.stdout == "dev\n", result.stderr
    assert "note:" not in result.stderr


def test_sudo_is_looked_through(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_DEBUG": "1"}
    script = f'eval "$(sudo -E {env_command("zsh", "dev", "-t", CODE)})"; {WHOAMI}'
    result = run_shell("zsh", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith(role_arn_of("dev"))
    assert "shell detected from the parent process 'zsh': zsh\n" in result.stderr.decode()


def test_make_recipe_is_evaluated_by_its_sh(moto: Moto, tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        f'whoami:\n\t@eval "$$({AWSMFA} env dev -t {CODE})"; {WHOAMI}\n'
    )
    result = run(["make", "-s", "-C", str(tmp_path)], env={**os.environ, "AWSMFA_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(role_arn_of("dev"))
    assert "shell detected from the parent process 'sh': sh\n" in result.stderr


def test_unknown_parent_falls_back_to_sh_with_a_note(moto: Moto) -> None:
    result = awsmfa("env", "dev", "-t", CODE)
    assert result.returncode == 0, result.stderr
    assert "export AWS_ACCESS_KEY_ID=" in result.stdout
    assert result.stderr.startswith("awsmfa: note: awsmfa was started by 'python")
    assert result.stderr.endswith("printing POSIX sh code (choose with --shell)\n")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("shell", REAL_SHELLS)
def test_unset_leaves_none_of_the_variables(moto: Moto, shell: str) -> None:
    script = "\n".join(
        (
            eval_line(shell, env_command(shell, "dev", "-t", CODE, "--shell", shell)),
            eval_line(shell, env_command(shell, "--unset")),
            "env -0",
        )
    )
    result = run_shell(shell, script)
    assert result.returncode == 0, result.stderr
    left = environment_of(result.stdout)
    assert not set(SET) & set(left)
    assert left["AWS_ENDPOINT_URL"] == moto.url


@pytest.mark.parametrize("shell", ["json", "dotenv"])
def test_unset_in_json_or_dotenv_is_a_usage_error(shell: str) -> None:
    result = awsmfa("env", "--unset", "--shell", shell)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("awsmfa: error: --shell ")
    assert result.stderr.count("\n") == 1


def test_unknown_shell_is_a_usage_error(aws_files: AwsFiles) -> None:
    result = awsmfa("env", "dev", "-t", CODE, "--shell", "tcsh")
    assert result.returncode == 2
    assert result.stderr == (
        "awsmfa: error: unknown shell 'tcsh'; "
        "choose one of: bash, dotenv, fish, json, powershell, sh, zsh\n"
    )


@pytest.mark.parametrize("code_from", ["AWSMFA_TOKEN_CODE", "mfa_process"])
def test_json_works_as_credential_process(moto: Moto, aws_files: AwsFiles, code_from: str) -> None:
    config = aws_files.config.read_text()
    if code_from == "mfa_process":
        config = config.replace(
            "[profile landing]\n", f"[profile landing]\nmfa_process = echo {CODE}\n"
        )
        env = dict(os.environ)
    else:
        env = {**os.environ, "AWSMFA_TOKEN_CODE": CODE}
    config += (
        "\n[profile dev-process]\n"
        f"credential_process = {AWSMFA} env dev --shell json\n"
        "region = eu-central-1\n"
    )
    aws_files.config.write_text(config)
    result = run([*WHOAMI.split(), "--profile", "dev-process"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]
