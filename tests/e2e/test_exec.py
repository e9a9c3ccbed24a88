"""`awsmfa exec` driven as a subprocess against moto on loopback, with the real aws CLI."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.support.aws_files import CODE, AwsFiles, role_arn_of
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.sts_server import Moto


def caller_arn(result: object) -> str:
    arn: str = json.loads(result.stdout)["Arn"]  # type: ignore[attr-defined]
    return arn


def test_exec_runs_the_aws_cli_as_the_role(moto: Moto) -> None:
    before = run(
        ["aws", "sts", "get-caller-identity"], env={**os.environ, "AWS_PROFILE": "landing"}
    )
    result = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    assert caller_arn(result).startswith(role_arn_of("dev"))
    assert before.returncode == 0, before.stderr
    assert caller_arn(before) != caller_arn(result)
    assert moto.calls() == [
        "GetCallerIdentity",
        "GetSessionToken",
        "AssumeRole",
        "GetCallerIdentity",
    ]


def test_two_hop_chain_assumes_each_role_in_order(moto: Moto) -> None:
    result = awsmfa("exec", "deep", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    assert caller_arn(result).startswith(role_arn_of("deep"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "AssumeRole", "GetCallerIdentity"]


def test_no_session_assumes_the_role_directly(moto: Moto) -> None:
    result = awsmfa(
        "exec", "dev", "--no-session", "-t", CODE, "--", "aws", "sts", "get-caller-identity"
    )
    assert result.returncode == 0, result.stderr
    assert caller_arn(result).startswith(role_arn_of("dev"))
    assert moto.calls() == ["AssumeRole", "GetCallerIdentity"]


def test_child_environment_matches_the_spec(moto: Moto) -> None:
    env = {
        **os.environ,
        "AWS_PROFILE": "landing",
        "AWS_DEFAULT_PROFILE": "landing",
        "AWS_SECURITY_TOKEN": "old",
        "AWS_SDK_LOAD_CONFIG": "1",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/",
        "KEEP_ME": "untouched",
    }
    result = awsmfa("exec", "dev", "-t", CODE, "-r", "ap-south-1", "--", "env", "-0", env=env)
    assert result.returncode == 0, result.stderr
    child = dict(item.split("=", 1) for item in result.stdout.split("\0") if item)
    for gone in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SECURITY_TOKEN",
        "AWS_SDK_LOAD_CONFIG",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        assert gone not in child
    assert child["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert child["AWS_SECRET_ACCESS_KEY"]
    assert child["AWS_SESSION_TOKEN"]
    assert child["AWS_CREDENTIAL_EXPIRATION"].endswith("Z")
    assert child["AWS_REGION"] == child["AWS_DEFAULT_REGION"] == "ap-south-1"
    assert child["AWSMFA_PROFILE"] == "dev"
    assert child["AWS_ENDPOINT_URL"] == moto.url
    assert child["KEEP_ME"] == "untouched"


def test_region_comes_from_the_profile(moto: Moto) -> None:
    result = awsmfa(
        "exec", "dev", "-t", CODE, "--", "sh", "-c", 'echo "$AWS_REGION $AWS_DEFAULT_REGION"'
    )
    assert result.stdout == "eu-central-1 eu-central-1\n", result.stderr


def test_exit_status_is_the_commands_own(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "-t", CODE, "--", "sh", "-c", "exit 9")
    assert result.returncode == 9


def test_exec_replaces_the_awsmfa_process(moto: Moto) -> None:
    script = f'exec "{AWSMFA}" exec dev -t {CODE} -- sh -c \'echo "$$"\' & echo "$!"; wait'
    result = run(["sh", "-c", script])
    launched, child = result.stdout.split()
    assert launched == child, result.stderr


# Plain exec and `exec --server` start the command differently; both report it alike.
MODES = pytest.mark.parametrize("mode", [[], ["--server"]], ids=["plain", "server"])


@MODES
def test_command_not_found_exits_127(moto: Moto, mode: list[str]) -> None:
    result = awsmfa("exec", "dev", *mode, "-t", CODE, "--", "no-such-command-here")
    assert result.returncode == 127
    assert result.stderr == "awsmfa: error: command not found: no-such-command-here\n"


@MODES
def test_command_not_executable_exits_126(moto: Moto, tmp_path: Path, mode: list[str]) -> None:
    script = tmp_path / "not-executable.sh"
    script.write_text("echo hi\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    result = awsmfa("exec", "dev", *mode, "-t", CODE, "--", str(script))
    assert result.returncode == 126
    assert result.stderr == f"awsmfa: error: command is not executable: {script}\n"


def test_nested_exec_reuses_credentials_without_sts(moto: Moto) -> None:
    inner = f'"{AWSMFA}" exec dev -- sh -c \'echo "$AWS_ACCESS_KEY_ID"\'; echo "$AWS_ACCESS_KEY_ID"'
    result = awsmfa(
        "exec", "dev", "-t", CODE, "--", "sh", "-c", f"AWS_ENDPOINT_URL=http://127.0.0.1:9 {inner}"
    )
    assert result.returncode == 0, result.stderr
    inner_key, outer_key = result.stdout.split()
    assert inner_key == outer_key
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_nested_exec_of_another_profile_resolves_from_the_files(moto: Moto) -> None:
    inner = f'"{AWSMFA}" exec prod -t {CODE} -- aws sts get-caller-identity'
    result = awsmfa("exec", "dev", "-t", CODE, "--", "sh", "-c", inner)
    assert result.returncode == 0, result.stderr
    assert caller_arn(result).startswith(role_arn_of("prod"))


def test_make_recipes_each_call_awsmfa(moto: Moto, tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        "AWS_EXEC = awsmfa exec dev --\n"
        "all: one two\n"
        "one:\n\t$(AWS_EXEC) aws sts get-caller-identity --query Arn --output text\n"
        "two:\n\t$(AWS_EXEC) aws sts get-caller-identity --query Arn --output text\n"
    )
    result = awsmfa("exec", "dev", "-t", CODE, "--", "make", "-s", "-C", str(tmp_path))
    assert result.returncode == 0, result.stderr
    arns = result.stdout.split()
    assert len(arns) == 2
    assert all(arn.startswith(role_arn_of("dev")) for arn in arns)
    assert moto.calls().count("GetSessionToken") == 1


def test_keys_only_profile_gets_an_mfa_session(moto: Moto) -> None:
    result = awsmfa(
        "exec", "landing", "-t", CODE, "--", "sh", "-c", 'echo "${AWS_SESSION_TOKEN:+set}"'
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "set\n"
    assert moto.calls() == ["GetSessionToken"]


@MODES
def test_token_code_from_the_environment_stops_at_awsmfa(moto: Moto, mode: list[str]) -> None:
    env = {**os.environ, "AWSMFA_TOKEN_CODE": CODE}
    result = awsmfa("exec", "dev", *mode, "--", "env", "-0", env=env)
    assert result.returncode == 0, result.stderr
    assert "GetSessionToken" in moto.calls()  # the code from the environment was used
    child = dict(item.split("=", 1) for item in result.stdout.split("\0") if item)
    assert child["AWSMFA_PROFILE"] == "dev"
    assert "AWSMFA_TOKEN_CODE" not in child


def test_mfa_process_supplies_the_code(moto: Moto, aws_files: AwsFiles) -> None:
    config = aws_files.config.read_text().replace(
        "[profile landing]\n", f"[profile landing]\nmfa_process = echo {CODE}\n"
    )
    aws_files.config.write_text(config)
    result = awsmfa("exec", "dev", "--", "true")
    assert result.returncode == 0, result.stderr


def test_no_code_and_no_terminal_says_how_to_pass_one(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "--", "true")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "-t/--token-code" in result.stderr
    assert moto.calls() == []


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef"])
def test_malformed_code_is_refused_before_any_call(moto: Moto, code: str) -> None:
    result = awsmfa("exec", "dev", "-t", code, "--", "true")
    assert result.returncode == 2
    assert result.stderr == "awsmfa: error: the MFA code from --token-code must be 6 digits\n"
    assert moto.calls() == []


def test_duration_sets_the_role_lifetime(moto: Moto) -> None:
    result = awsmfa(
        "exec", "dev", "-t", CODE, "-d", "2h", "--", "sh", "-c", 'echo "$AWS_CREDENTIAL_EXPIRATION"'
    )
    assert result.returncode == 0, result.stderr
    from datetime import datetime, timezone

    expires = datetime.fromisoformat(result.stdout.strip().replace("Z", "+00:00"))
    left = (expires - datetime.now(timezone.utc)).total_seconds()
    assert 7000 < left <= 7200


def test_chained_hop_is_capped_at_one_hour_with_a_note(moto: Moto) -> None:
    result = awsmfa("exec", "deep", "-t", CODE, "-d", "2h", "--", "true")
    assert result.returncode == 0
    assert "limits chained role sessions to 1h" in result.stderr


def test_sts_unreachable_exits_5_quickly(aws_files: AwsFiles) -> None:
    env = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    result = awsmfa("exec", "dev", "-t", CODE, "--", "true", env=env, timeout=30)
    assert result.returncode == 5
    assert result.stderr.startswith("awsmfa: error: STS GetSessionToken for landing failed")
    assert result.stderr.count("\n") == 1


def test_nested_reuse_works_with_sts_unreachable(moto: Moto) -> None:
    env = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    outer = awsmfa("env", "dev", "-t", CODE, "--shell", "sh")
    assert outer.returncode == 0, outer.stderr
    script = f'{outer.stdout}\n"{AWSMFA}" exec dev -- sh -c \'echo "$AWSMFA_PROFILE"\''
    result = run(["sh", "-c", script], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "dev\n"


def test_aws_profile_in_the_environment_does_not_steer_sts(moto: Moto) -> None:
    env = {**os.environ, "AWS_PROFILE": "no-such-profile"}
    result = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity", env=env)
    assert result.returncode == 0, result.stderr
    assert caller_arn(result).startswith(role_arn_of("dev"))


def test_the_command_ends_quietly_in_a_closed_pipe(moto: Moto) -> None:
    """SIGPIPE has its default action in the command, as if awsmfa were not there."""
    script = f'set -o pipefail; "{AWSMFA}" exec dev -t {CODE} -- yes | head -n 1'
    result = run(["bash", "-c", script])
    assert result.stdout == "y\n"
    assert result.returncode == 128 + 13, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("flag", [["--profile", "landing"], ["--profile=landing"]])
def test_a_profile_on_the_command_line_is_warned_about(moto: Moto, flag: list[str]) -> None:
    """The aws CLI reads `--profile` from the files and ignores the exported credentials."""
    result = awsmfa("exec", "dev", "-t", CODE, "--", "aws", *flag, "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    assert not caller_arn(result).startswith(role_arn_of("dev"))  # what the warning is about
    assert result.stderr == (
        "awsmfa: warning: aws is given --profile: it reads that profile from the AWS files, not "
        "dev's credentials that awsmfa puts in its environment; leave --profile out\n"
    )


def test_no_warning_without_a_profile_option(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    assert "--profile" not in result.stderr
