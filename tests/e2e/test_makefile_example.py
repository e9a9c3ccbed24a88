"""examples/Makefile: both ways to run recipes with MFA-backed credentials, for real."""

from __future__ import annotations

import os

from tests.support.aws_files import CODE, role_arn_of
from tests.support.commands import ROOT, awsmfa, run
from tests.support.sts_server import Moto

EXAMPLES = str(ROOT / "examples")


def test_wrapping_the_whole_run(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "-t", CODE, "--", "make", "-s", "-C", EXAMPLES, "deploy")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]


def test_deploy_unwrapped_says_how_to_wrap_it(moto: Moto) -> None:
    result = run(["make", "-s", "-C", EXAMPLES, "deploy"])
    assert result.returncode != 0
    assert "run  awsmfa exec dev -- make deploy" in result.stderr
    assert moto.calls() == []


def test_per_recipe_aws_exec(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_TOKEN_CODE": CODE}
    result = run(["make", "-s", "-C", EXAMPLES, "whoami"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]


def test_per_recipe_inside_a_wrapped_run_reuses_the_credentials(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "-t", CODE, "--", "make", "-s", "-C", EXAMPLES, "whoami")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(role_arn_of("dev"))
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]


def test_profile_can_be_chosen_per_run(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_TOKEN_CODE": CODE}
    result = run(["make", "-s", "-C", EXAMPLES, "whoami", "PROFILE=prod"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(role_arn_of("prod"))
