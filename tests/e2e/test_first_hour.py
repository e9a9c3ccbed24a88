"""What a newcomer from aws-vault tries in the first hour, driven as the installed command:
fish's status after success, `status` under `--server`, a forgotten `--`, a subshell,
AWS_PROFILE as the default profile, the region along the chain, an ignored code."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import AWSMFA, CODE, SEED_CONFIG, AwsFiles, Moto, awsmfa, role_arn_of
from tests.e2e.test_exec import caller_arn
from tests.support.shells import REAL_SHELLS, eval_line, have, run_shell, shell_quote

# After a successful load, `and`/`&&` must run the next command.
AND = {"bash": "&&", "zsh": "&&", "sh": "&&", "fish": "; and"}


@pytest.mark.parametrize("shell", REAL_SHELLS)
@pytest.mark.parametrize("unset", [False, True], ids=["env", "env --unset"])
def test_shell_code_ends_with_status_0(moto: Moto, shell: str, unset: bool) -> None:
    if not have(shell):
        pytest.skip(f"{shell} is not installed")
    args = "env --unset" if unset else f"env dev -t {CODE}"
    command = f"{shell_quote(shell, AWSMFA)} {args} --shell {shell}"
    result = run_shell(shell, f"{eval_line(shell, command)} {AND[shell]} echo loaded")
    assert result.stdout == b"loaded\n", result.stderr
    assert result.returncode == 0


def test_fish_hook_awsmfa_use_then_and(moto: Moto) -> None:
    if not have("fish"):
        pytest.skip("fish is not installed")
    script = (
        f"{shell_quote('fish', AWSMFA)} hook fish | source; "
        f"awsmfa-use dev -t {CODE}; and echo used $AWSMFA_PROFILE; "
        "awsmfa-clear; and echo cleared"
    )
    result = run_shell("fish", script)
    assert result.stdout == b"used dev\ncleared\n", result.stderr


def test_status_inside_exec_server_reports_the_endpoint(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", AWSMFA, "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["profile"] == "dev"
    assert status["valid"] is True
    assert status["problem"] is None
    assert status["credentials_from"] == "endpoint"
    assert 3000 < status["seconds_left"] <= 3600
    assert status["role"] == "dev"
    text = awsmfa("exec", "dev", "--server", "-t", CODE, "--", AWSMFA, "status")
    assert "served by:  the exec --server endpoint" in text.stdout


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["sh", "-c", 'echo "$AWSMFA_PROFILE $0 $1"', "-v", "-d"], "dev -v -d\n"),
        (["ls", "-d", "/"], "/\n"),
        (["sh", "-c", 'echo "$@"', "x", "--debug", "--", "-t", "1"], "--debug -- -t 1\n"),
    ],
)
def test_without_double_dash_the_first_plain_word_starts_the_command(
    moto: Moto, command: list[str], expected: str
) -> None:
    result = awsmfa("exec", "dev", "-t", CODE, *command)
    assert (result.returncode, result.stdout) == (0, expected), result.stderr


def test_debug_is_taken_anywhere_before_the_command(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "--debug", "-t", CODE, "true")
    assert result.returncode == 0, result.stderr
    assert "awsmfa: debug: " in result.stderr
    listed = awsmfa("list", "--debug")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("PROFILE")


def test_exec_without_a_command_starts_the_users_shell(moto: Moto) -> None:
    env = {**os.environ, "SHELL": "/bin/bash"}
    script = 'echo "$AWSMFA_PROFILE $BASH_VERSION" | cut -c1-5; exit 7'
    result = awsmfa("exec", "dev", "-t", CODE, env=env, input=script)
    assert (result.returncode, result.stdout) == (7, "dev 5\n"), result.stderr
    assert (
        result.stderr == "awsmfa: a new /bin/bash with the credentials of dev; `exit` leaves it\n"
    )
    without = {key: value for key, value in env.items() if key != "SHELL"}
    result = awsmfa("exec", "dev", "-t", CODE, env=without, input="echo $AWSMFA_PROFILE")
    assert (result.returncode, result.stdout) == (0, "dev\n"), result.stderr
    assert "a new /bin/sh with" in result.stderr


def test_aws_profile_is_the_default_profile(moto: Moto) -> None:
    env = {**os.environ, "AWS_PROFILE": "dev"}
    ran = awsmfa("exec", "-t", CODE, "--", "sh", "-c", 'echo "$AWSMFA_PROFILE ${AWS_PROFILE-}"')
    assert ran.returncode == 2  # no AWS_PROFILE here: a usage error, not "profile 'sh'"
    ran = awsmfa("exec", "-t", CODE, "--", "aws", "sts", "get-caller-identity", env=env)
    assert ran.returncode == 0, ran.stderr
    assert caller_arn(ran).startswith(role_arn_of("dev"))
    shown = awsmfa("exec", "--", "sh", "-c", 'echo "$AWSMFA_PROFILE ${AWS_PROFILE-gone}"', env=env)
    assert shown.stdout == "dev gone\n", shown.stderr  # removed from the child, as SPEC §4 says
    printed = awsmfa("env", "--shell", "sh", env=env)
    assert "export AWSMFA_PROFILE=dev\n" in printed.stdout, printed.stderr
    unset = awsmfa("env", "--unset", "--shell", "sh", env=env)
    assert unset.returncode == 0, unset.stderr
    status = awsmfa("status", "--json", env=env)
    assert (status.returncode, json.loads(status.stdout)["profile"]) == (1, "dev")
    assert "PROFILE is AWS_PROFILE, dev" in status.stderr


def test_login_takes_aws_profile(moto: Moto) -> None:
    env = {**os.environ, "AWS_PROFILE": "nope"}
    result = awsmfa("login", "--print", "-t", CODE, env=env)
    assert result.returncode == 3
    assert "profile 'nope' is not in" in result.stderr
    assert awsmfa("login", "--print").returncode == 2


def test_region_is_inherited_along_the_chain_then_from_the_caller(
    moto: Moto, aws_files: AwsFiles
) -> None:
    aws_files.write(
        config=SEED_CONFIG.replace(
            "source_profile = dev\nregion = eu-central-1\n", "source_profile = dev\n"
        )
    )
    result = awsmfa("exec", "deep", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr  # not "You must specify a region"
    region = awsmfa("exec", "deep", "--", "sh", "-c", "echo $AWS_REGION $AWS_DEFAULT_REGION")
    assert region.stdout == "eu-central-1 eu-central-1\n", region.stderr
    listed = {e["name"]: e for e in json.loads(awsmfa("list", "--json").stdout)}
    assert (listed["deep"]["region"], listed["deep"]["region_from"]) == ("eu-central-1", "dev")
    assert (listed["dev"]["region"], listed["dev"]["region_from"]) == ("eu-central-1", None)
    table = awsmfa("list").stdout.splitlines()
    assert table[1].split()[5:7] == ["eu-central-1", "(dev)"]


def test_region_falls_back_to_the_callers(moto: Moto, aws_files: AwsFiles) -> None:
    aws_files.write(config=SEED_CONFIG.replace("region = ", "#region = "))
    env = {**os.environ, "AWS_DEFAULT_REGION": "ap-south-1"}
    region = awsmfa("exec", "dev", "-t", CODE, "--", "sh", "-c", "echo $AWS_REGION", env=env)
    assert region.stdout == "ap-south-1\n", region.stderr
    listed = {e["name"]: e for e in json.loads(awsmfa("list", "--json", env=env).stdout)}
    assert (listed["dev"]["region"], listed["dev"]["region_from"]) == (
        "ap-south-1",
        "AWS_DEFAULT_REGION",
    )


@pytest.mark.parametrize("agent", ["on", "off"])
def test_a_code_for_a_chain_without_mfa_gets_one_note(
    moto: Moto, aws_files: AwsFiles, agent: str
) -> None:
    aws_files.write(config=SEED_CONFIG.replace("mfa_serial = ", "#mfa_serial = "))
    env = {**os.environ, "AWSMFA_AGENT": agent}
    result = awsmfa("exec", "dev", "-t", CODE, "--", "true", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "awsmfa: the code given with --token-code was not needed: neither dev nor a profile "
        "down its source_profile chain has an mfa_serial, so no MFA is used\n"
    )
    quiet = awsmfa("exec", "dev", "--", "true", env=env)
    assert quiet.stderr == ""
