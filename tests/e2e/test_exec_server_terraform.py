"""terraform under `awsmfa exec --server`: the Go SDK takes its credentials from the endpoint.

The S3 backend keeps its state in a bucket on the moto server; `terraform_data` needs no
provider download, so nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from subprocess import CompletedProcess

from tests.e2e.test_terraform import write_project
from tests.support.aws_files import CODE
from tests.support.commands import awsmfa, run
from tests.support.sts_server import Moto

BUCKET = "tfstate-server"


def apply_under_server(moto: Moto, tmp_path: Path, bucket: str) -> CompletedProcess[str]:
    """`terraform init` and `apply` under `awsmfa exec dev --server`, state in `bucket`;
    the STS calls and signers the moto server counts are those of terraform's run."""
    project = tmp_path / "project"
    write_project(project, moto.url, bucket)
    (tmp_path / "terraformrc").write_text("")
    env = {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": str(tmp_path / "terraformrc"),
        "AWSMFA_DEBUG": "1",
    }
    made = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--", "aws", "s3", "mb", f"s3://{bucket}", env=env
    )
    assert made.returncode == 0, made.stderr
    moto.reset()
    script = (
        "terraform init -no-color -input=false -backend-config=backend.hcl && "
        "terraform apply -no-color -input=false -auto-approve"
    )
    result = awsmfa(
        "exec", "dev", "--server", "-t", CODE, "--", "sh", "-c", script,
        env=env, cwd=project, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_terraform_init_and_apply_through_the_endpoint(moto: Moto, tmp_path: Path) -> None:
    result = apply_under_server(moto, tmp_path, BUCKET)
    assert 'Successfully configured the backend "s3"' in result.stdout
    assert "Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in result.stdout
    assert 'probe = "from-awsmfa"' in result.stdout
    # terraform holds no key variables: every credential it used came from the endpoint.
    served = re.findall(r'"GET /credentials HTTP/1\.1" 200', result.stderr)
    assert served, result.stderr
    # The agent still holds dev's role from the first run: no STS call at all.
    assert moto.calls() == []
    state = run(
        ["aws", "s3", "ls", f"s3://{BUCKET}/dev/terraform.tfstate"],
        env={**os.environ, "AWS_PROFILE": "landing"},
    )
    assert state.returncode == 0, state.stderr
    assert "terraform.tfstate" in state.stdout
