"""What the fast paths load: `python -X importtime` names every module a run imports."""

from __future__ import annotations

import sys

from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import awsmfa, run
from tests.support.shells import failed_in_sh
from tests.support.sts_server import Moto

HEAVY = {"boto3", "botocore.session", "botocore.client"}


def imported(*args: str) -> set[str]:
    result = run([sys.executable, "-X", "importtime", "-m", "awsmfa_exec", *args])
    assert result.returncode == 0, result.stderr
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}


def test_help_loads_no_sts_machinery(aws_files: AwsFiles) -> None:
    loaded = imported("--help")
    assert "typer" in loaded
    assert not loaded & HEAVY


def test_a_cache_hit_exec_and_env_load_neither_typer_nor_botocore(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    for args in (["exec", "dev", "--", "true"], ["env", "dev", "--shell", "bash"]):
        loaded = imported(*args)
        assert "awsmfa_exec.agent.client" in loaded, args
        assert not [name for name in loaded if name.startswith(("typer", "click", "botocore"))]
        assert not loaded & HEAVY, args
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_an_unusual_spelling_of_exec_goes_through_typer_to_the_same_end(moto: Moto) -> None:
    plain = awsmfa("exec", "dev", "-t", CODE, "--", "sh", "-c", 'echo "$AWSMFA_PROFILE"')
    spelled = awsmfa("exec", "--token-code=" + CODE, "dev", "--", "sh", "-c", "echo $AWS_REGION")
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, "dev\n", "")
    assert (spelled.returncode, spelled.stdout, spelled.stderr) == (0, "eu-central-1\n", "")


def test_errors_after_the_plain_reading_are_the_same_lines(aws_files: AwsFiles) -> None:
    for args in (["exec", "nosuch", "--", "true"], ["exec", "--region=x", "nosuch", "--", "true"]):
        result = awsmfa(*args)
        assert result.returncode == 3, args
        assert result.stderr.startswith("awsmfa: error: profile 'nosuch' is not in "), args
    bad_code = awsmfa("env", "dev", "-t", "12", "--shell", "bash")
    assert bad_code.returncode == 2
    assert failed_in_sh(bad_code.stdout, 2)
    assert bad_code.stderr == "awsmfa: error: the MFA code from --token-code must be 6 digits\n"
