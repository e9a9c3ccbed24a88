"""The `each` example of docs/each.md: terraform plan in every `acct-*` account, one folder each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_terraform import write_project
from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import awsmfa
from tests.support.fleet import write_fleet
from tests.support.sts_server import Moto

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None, reason="terraform is not installed on this machine"
)


def test_terraform_plan_in_every_account(moto: Moto, aws_files: AwsFiles, tmp_path: Path) -> None:
    names = write_fleet(aws_files, 2)
    for name in names:
        write_project(tmp_path / "envs" / name, moto.url, f"tfstate-{name}")
        made = awsmfa("exec", name, "-t", CODE, "--", "aws", "s3", "mb", f"s3://tfstate-{name}")
        assert made.returncode == 0, made.stderr
    moto.reset()
    script = (
        'cd "envs/$AWSMFA_PROFILE" && '
        "terraform init -no-color -input=false -backend-config=backend.hcl >/dev/null && "
        "terraform plan -no-color -input=false"
    )
    result = awsmfa(
        "each", "acct-*", "-j", "2", "--", "sh", "-c", script, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in names:
        assert f"{name} | Plan: 1 to add, 0 to change, 0 to destroy." in result.stdout
    assert moto.calls() == []  # no code given: the agent's session and roles served the run
    assert result.stderr.splitlines()[-1].endswith(": 2 ok")
