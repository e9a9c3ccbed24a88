"""terraform under `awsmfa exec --server`: the Go SDK takes its credentials from the endpoint.

The S3 backend keeps its state in a bucket on the moto server; `terraform_data` needs no
provider download, so nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

from tests.conftest import CODE, Moto, awsmfa, run

TERRAFORM = shutil.which("terraform") or "/usr/local/bin/terraform"
BUCKET = "awsmfa-state"


def backend(url: str) -> str:
    return textwrap.dedent(f"""\
        terraform {{
          backend "s3" {{
            bucket                      = "{BUCKET}"
            key                         = "dev/terraform.tfstate"
            region                      = "eu-central-1"
            endpoints                   = {{ s3 = "{url}", sts = "{url}" }}
            use_path_style              = true
            skip_credentials_validation = true
            skip_region_validation      = true
            skip_requesting_account_id  = true
            skip_metadata_api_check     = true
            skip_s3_checksum            = true
          }}
        }}

        resource "terraform_data" "marker" {{
          input = "through awsmfa"
        }}
        """)


def test_terraform_init_and_apply_through_the_endpoint(moto: Moto, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(backend(moto.url))
    (tmp_path / "terraformrc").write_text("")
    env = {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "TF_CLI_CONFIG_FILE": str(tmp_path / "terraformrc"),
        "AWSMFA_DEBUG": "1",
    }
    bucket = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--",
        "aws", "s3api", "create-bucket", "--bucket", BUCKET,
        "--create-bucket-configuration", "LocationConstraint=eu-central-1",
        env=env,
    )  # fmt: skip
    assert bucket.returncode == 0, bucket.stderr
    moto.reset()
    script = f'"{TERRAFORM}" init -no-color && "{TERRAFORM}" apply -auto-approve -no-color'
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script,
        env=env, cwd=tmp_path, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Successfully configured the backend "s3"' in result.stdout
    assert "Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in result.stdout
    served = re.findall(r'"GET /credentials HTTP/1\.1" 200', result.stderr)
    assert served, result.stderr  # terraform asked the endpoint for its credentials
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
    state = run(
        ["aws", "s3", "ls", f"s3://{BUCKET}/dev/terraform.tfstate"],
        env={**os.environ, "AWS_PROFILE": "landing"},
    )
    assert state.returncode == 0, state.stderr
    assert "terraform.tfstate" in state.stdout
