"""`exec --server` where the landing keys sit in the default profile, as in the seed's layouts.

Every SDK prefers the default profile's keys to the container endpoint; the command gets
views of the files without them, so the aws CLI, boto3 and terraform's S3 backend all run
as the role.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from tests.e2e.hardening.test_syscall_audit import FETCH, handed_out, run_audited
from tests.e2e.test_exec_server_terraform import apply_under_server
from tests.support.aws_files import (
    ACCOUNT,
    CODE,
    LANDING_KEY_ID,
    LANDING_SECRET,
    SERIAL,
    AwsFiles,
    role_arn_of,
)
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.proof import files_holding, record_audit
from tests.support.sts_server import Moto

DEV = f"""
[profile dev]
role_arn = arn:aws:iam::{ACCOUNT}:role/dev
source_profile = default
region = eu-central-1
"""
KEYS = f"aws_access_key_id = {LANDING_KEY_ID}\naws_secret_access_key = {LANDING_SECRET}\n"
# The two seed layouts: (config, credentials).
LAYOUTS = {
    "credentials": (
        f"[default]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n{DEV}",
        f"[default]\n{KEYS}",
    ),
    "config": (f"[profile default]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n{KEYS}{DEV}", ""),
}
ARN = "--query Arn --output text"
FETCH_IN_SH = f"{sys.executable} -c {shlex.quote(FETCH)}"
BOTO3 = (
    f'{sys.executable} -c \'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])\''
)


@pytest.fixture(params=list(LAYOUTS))
def layout(request: pytest.FixtureRequest, moto: Moto, aws_files: AwsFiles) -> str:
    config, credentials = LAYOUTS[request.param]
    aws_files.write(config, credentials)
    return str(request.param)


def test_aws_cli_and_boto3_run_as_the_role(layout: str, moto: Moto) -> None:
    script = (
        f"aws sts get-caller-identity {ARN}; {BOTO3}; "
        f"sh -c 'aws sts get-caller-identity {ARN}'; aws sts get-caller-identity {ARN}"
    )
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # nothing to warn about any more
    arns = result.stdout.split()
    assert len(arns) == 4, result.stdout
    assert all(arn.startswith(role_arn_of("dev")) for arn in arns), arns
    named = zip(("aws CLI", "boto3", "aws CLI in a nested sh", "aws CLI again"), arns, strict=True)
    print(f"{layout} layout: " + " | ".join(f"{tool}: {arn}" for tool, arn in named))


def test_the_views_leave_out_only_the_default_credentials(
    layout: str, moto: Moto, aws_files: AwsFiles
) -> None:
    script = (
        'cat "$AWS_CONFIG_FILE" "$AWS_CONFIG_FILE"; echo ---; '
        'cat "$AWS_SHARED_CREDENTIALS_FILE" "$AWS_SHARED_CREDENTIALS_FILE"; echo ---; '
        'echo "${AWSMFA_CONFIG_FILE-unset} ${AWSMFA_SHARED_CREDENTIALS_FILE-unset}"'
    )
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    config, credentials = LAYOUTS[layout]
    # Each view reads whole every time it is opened; a file that needs no view is the file.
    real = {
        "config": f"{aws_files.config} unset",
        "credentials": f"unset {aws_files.credentials}",
    }[layout]
    assert result.stdout == (
        config.replace(KEYS, "") * 2 + "---\n" + credentials.replace(KEYS, "") * 2 + "---\n"
        f"{real}\n"
    )
    assert aws_files.config.read_text() == config  # the real files are untouched
    assert aws_files.credentials.read_text() == credentials


def test_the_views_are_no_files(layout: str, moto: Moto, tmp_path: Path) -> None:
    """Under strace: the views are read by the command, and nothing is written anywhere."""
    script = f'cat "$AWS_CONFIG_FILE" "$AWS_SHARED_CREDENTIALS_FILE" >/dev/null && {FETCH_IN_SH}'
    args = ("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script)
    found, stdout = run_audited(args, tmp_path)
    record_audit(found.traced, found.written, found.allowed)
    assert found.written == set()
    assert any(path.startswith("/proc/self/fd/") for path in found.traced), found.traced
    roots = [Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]), tmp_path / "work"]
    assert files_holding(handed_out(stdout), *roots) == []


def test_awsmfa_inside_the_command_reads_the_real_files(layout: str, moto: Moto) -> None:
    inner = f'"{AWSMFA}" exec dev -t {CODE} -- aws sts get-caller-identity {ARN}'
    env = {**os.environ, "AWSMFA_AGENT": "off"}
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", inner, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(role_arn_of("dev"))
    assert moto.calls().count("GetSessionToken") == 2  # the inner run used the landing keys


def test_no_views_when_the_default_profile_holds_no_credentials(
    moto: Moto, aws_files: AwsFiles
) -> None:
    script = 'echo "$AWS_CONFIG_FILE|$AWS_SHARED_CREDENTIALS_FILE|${AWSMFA_CONFIG_FILE-unset}"'
    result = awsmfa("exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{aws_files.config}|{aws_files.credentials}|unset\n"


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_s3_backend_runs_as_the_role(layout: str, moto: Moto, tmp_path: Path) -> None:
    result = apply_under_server(moto, tmp_path, f"tfstate-default-{layout}")
    assert 'probe = "from-awsmfa"' in result.stdout
    used = moto.signers("s3")
    assert used, "terraform sent no signed S3 request"
    assert LANDING_KEY_ID not in used
    # Whose keys they are: moto's GetCallerIdentity names the identity behind a key id.
    for key in used:
        who = run(
            ["aws", "sts", "get-caller-identity", *ARN.split()],
            env={**os.environ, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "x"},
        )
        assert who.returncode == 0, who.stderr
        assert who.stdout.startswith(role_arn_of("dev")), who.stdout
        print(f"{layout} layout: terraform signed S3 requests as {who.stdout.strip()}")
