"""terraform init/apply with an S3 backend on moto, credentials from `awsmfa exec`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.aws_files import CODE
from tests.support.commands import awsmfa
from tests.support.sts_server import Moto

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None, reason="terraform is not installed on this machine"
)

MAIN_TF = """
terraform {
  backend "s3" {}
}
resource "terraform_data" "probe" {
  input = "from-awsmfa"
}
output "probe" {
  value = terraform_data.probe.output
}
"""


def backend_config(url: str, bucket: str) -> str:
    return f"""
bucket = "{bucket}"
key = "dev/terraform.tfstate"
region = "eu-central-1"
endpoints = {{ s3 = "{url}", sts = "{url}" }}
use_path_style = true
skip_credentials_validation = true
skip_requesting_account_id = true
skip_region_validation = true
skip_metadata_api_check = true
"""


def write_project(directory: Path, url: str, bucket: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(MAIN_TF)
    (directory / "backend.hcl").write_text(backend_config(url, bucket))


def test_terraform_apply_stores_state_in_s3_through_awsmfa(moto: Moto, tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_project(project, moto.url, "tfstate-exec")
    made = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "s3", "mb", "s3://tfstate-exec")
    assert made.returncode == 0, made.stderr
    script = (
        "terraform init -no-color -input=false -backend-config=backend.hcl >/dev/null && "
        "terraform apply -no-color -input=false -auto-approve"
    )
    result = awsmfa("exec", "dev", "-t", CODE, "--", "sh", "-c", script, cwd=project, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'probe = "from-awsmfa"' in result.stdout
    listed = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "s3", "ls", "s3://tfstate-exec/dev/")
    assert "terraform.tfstate" in listed.stdout, listed.stderr
