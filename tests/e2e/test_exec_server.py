"""`awsmfa exec --server` against moto: the endpoint, the child's environment, refreshes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.e2e.test_exec import caller_arn
from tests.support.aws_files import CODE, AwsFiles, role_arn_of
from tests.support.commands import AWSMFA, ROOT, awsmfa
from tests.support.sts_server import Moto

CLIENT = [sys.executable, str(ROOT / "tests" / "support" / "container_client.py")]
KEY_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
)


def served(*args: str, env: dict[str, str] | None = None) -> list[list[str]]:
    """Run the test client under `awsmfa exec dev --server`; its answers, split."""
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--", *CLIENT, *args, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [line.split(" ", 2) for line in result.stdout.splitlines()]


def test_aws_cli_runs_as_the_role_through_the_endpoint(moto: Moto) -> None:
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--", "aws", "sts", "get-caller-identity"
    )
    assert result.returncode == 0, result.stderr
    assert caller_arn(result).startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]


def test_child_gets_the_endpoint_instead_of_the_keys(moto: Moto) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIAOUTERKEY00000000",
        "AWS_SECRET_ACCESS_KEY": "outer",
        "AWS_SESSION_TOKEN": "outer",
        "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z",
        "AWS_PROFILE": "landing",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/nonexistent",
        "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent",
        "AWS_ROLE_SESSION_NAME": "web",
        "KEEP_ME": "untouched",
    }
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "env", "-0", env=env)
    assert result.returncode == 0, result.stderr
    child = dict(item.split("=", 1) for item in result.stdout.split("\0") if item)
    assert child["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
    assert child["AWS_CONTAINER_CREDENTIALS_FULL_URI"].endswith("/credentials")
    assert len(child["AWS_CONTAINER_AUTHORIZATION_TOKEN"]) >= 43  # 32 bytes, base64url
    for gone in (
        *KEY_VARIABLES,
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_ROLE_ARN",  # web identity comes before the endpoint in every SDK
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_SESSION_NAME",
    ):
        assert gone not in child
    assert child["AWS_REGION"] == child["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert child["AWSMFA_PROFILE"] == "dev"
    assert child["KEEP_ME"] == "untouched"
    assert child["AWS_ENDPOINT_URL"] == moto.url


def test_each_run_gets_its_own_token(moto: Moto) -> None:
    tokens = {
        awsmfa(
            "exec", "dev", "--server", "-t", CODE, "--", "printenv",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        ).stdout
        for _ in range(2)
    }  # fmt: skip
    assert len(tokens) == 2


def test_requests_without_the_exact_token_get_403(moto: Moto) -> None:
    assert served("--token", "none") == [
        ["403", "AccessDenied", "missing or wrong AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    ]
    assert served("--token", "wrong")[0][:2] == ["403", "AccessDenied"]
    status, key_id, _ = served("--token", "right")[0]
    assert status == "200"
    assert key_id.startswith("ASIA")


def test_fresh_credentials_are_served_without_sts(moto: Moto) -> None:
    answers = served("--times", "3")
    assert {status for status, _, _ in answers} == {"200"}
    assert len({key_id for _, key_id, _ in answers}) == 1
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def counting_mfa_process(aws_files: AwsFiles, tmp_path: Path) -> Path:
    """Give the landing profile an mfa_process that counts how often it is asked."""
    asked = tmp_path / "mfa-asked"
    config = aws_files.config.read_text().replace(
        "[profile landing]\n",
        f"[profile landing]\nmfa_process = echo x >> {asked}; echo {CODE}\n",
    )
    aws_files.config.write_text(config)
    return asked


def test_near_expiry_each_request_reassumes_the_role_only(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    asked = counting_mfa_process(aws_files, tmp_path)
    # 900 s credentials are "near expiry" at once with a margin of an hour.
    env = {**os.environ, "AWSMFA_REFRESH_MARGIN": "3600"}
    result = awsmfa("exec", "dev", "--server", "-d", "900", "--", *CLIENT, "--times", "3", env=env)
    assert result.returncode == 0, result.stderr
    answers = [line.split(" ", 2) for line in result.stdout.splitlines()]
    assert [status for status, _, _ in answers] == ["200", "200", "200"]
    assert len({key_id for _, key_id, _ in answers}) == 3
    assert moto.calls() == [
        "GetSessionToken",
        "AssumeRole",
        "AssumeRole",
        "AssumeRole",
        "AssumeRole",
    ]
    assert asked.read_text() == "x\n"


def test_a_two_hop_refresh_reassumes_both_hops(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_REFRESH_MARGIN": "3600"}
    result = awsmfa("exec", "deep", "--server", "-t", CODE, "--", *CLIENT, "--times", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert moto.calls() == ["GetSessionToken"] + ["AssumeRole"] * 6


def test_aws_cli_keeps_working_across_refreshes(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_REFRESH_MARGIN": "3600"}
    script = "aws sts get-caller-identity --query Arn --output text; " * 2
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "-d", "900", "--", "sh", "-c", script, env=env
    )
    assert result.returncode == 0, result.stderr
    arns = result.stdout.split()
    assert len(arns) == 2
    assert all(arn.startswith(role_arn_of("dev")) for arn in arns)
    calls = moto.calls()
    assert calls.count("GetSessionToken") == 1
    assert calls.count("GetCallerIdentity") == 2
    assert calls.count("AssumeRole") >= 3


def test_ended_mfa_session_says_how_to_continue(moto: Moto) -> None:
    # A margin longer than the 12 h MFA session: the session counts as ended at once.
    env = {**os.environ, "AWSMFA_REFRESH_MARGIN": "50000"}
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", *CLIENT, "--times", "2", env=env)
    assert result.returncode == 0, result.stderr
    answers = [line.split(" ", 2) for line in result.stdout.splitlines()]
    assert [status for status, _, _ in answers] == ["200", "200"]
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "awsmfa: the MFA session for dev has ended (the agent needs a new MFA code);"
    )
    assert "run `awsmfa exec dev -- true` in another terminal" in result.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_ended_in_process_mfa_session_says_to_run_again(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_REFRESH_MARGIN": "50000", "AWSMFA_AGENT": "off"}
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", *CLIENT, "--times", "2", env=env)
    assert result.returncode == 0, result.stderr
    answers = [line.split(" ", 2) for line in result.stdout.splitlines()]
    assert [status for status, _, _ in answers] == ["200", "200"]
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("awsmfa: the MFA session for dev has ended;")
    assert "awsmfa exec dev --server" in result.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_nested_plain_exec_gets_the_role_the_agent_holds(moto: Moto) -> None:
    inner = (
        f'"{AWSMFA}" exec dev -- sh -c '
        "'echo ${AWS_ACCESS_KEY_ID:+keys} ${AWS_CONTAINER_CREDENTIALS_FULL_URI:-no-endpoint}; "
        "aws sts get-caller-identity --query Arn --output text'"
    )
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", inner)
    assert result.returncode == 0, result.stderr
    first, arn = result.stdout.splitlines()
    assert first == "keys no-endpoint"
    assert arn.startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]


def test_no_code_and_no_terminal_starts_nothing(moto: Moto, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    result = awsmfa("exec", "dev", "--server", "--", "touch", str(marker))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert not marker.exists()
    assert moto.calls() == []
