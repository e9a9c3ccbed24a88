"""The keyring commands under `strace -f`: the long-term secret in plaintext in no file.

`add`, `import`, `exec` from a keyring profile and `rotate` run traced, the session agent
they start included. `exec` writes nothing; `add`, `import` and `rotate` write only what
they must: `~/.aws/config` and `~/.aws/credentials`, each through a temporary file beside
it that is renamed over it. The keyring's own encrypted store is written by
gnome-keyring-daemon, outside the trace: the one other write. Then every file under HOME,
TMPDIR, the working directory and the keyring's store is searched for the secret keys.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.e2e.test_keyring import _iam
from tests.support.aws_files import CODE, LANDING_SECRET, AwsFiles
from tests.support.commands import AWSMFA
from tests.support.proof import files_holding, record_audit, record_keyring
from tests.support.secret_service import SecretService
from tests.support.strace_audit import Audit, audit, traced_run
from tests.support.sts_server import Moto


def _traced(args: list[str], tmp_path: Path, name: str) -> Audit:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    trace = tmp_path / f"strace-{name}.log"
    result = traced_run(args, trace, os.environ, work)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    agent = Path(os.environ["AWSMFA_AGENT_SOCK"])
    found = audit(trace, allowed=[agent, agent.parent])
    if name.startswith("exec"):  # the summary's totals are of runs that may write nothing
        record_audit(found.traced, found.written, found.allowed)
    return found


def _only_the_aws_files(written: set[str], files: AwsFiles) -> set[str]:
    """What of `written` is neither an AWS file nor the temporary file renamed over it."""
    own = {str(files.config), str(files.credentials)}
    temporary = re.compile(
        rf"{re.escape(str(files.config.parent))}/\.(config|credentials)\.\w+\.new"
    )
    return {path for path in written if path not in own and not temporary.fullmatch(path)}


def test_the_keyring_commands_leave_the_secret_in_no_file(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles, tmp_path: Path
) -> None:
    iam = _iam(moto)
    iam.create_user(UserName="alice-audit")
    ci = iam.create_access_key(UserName="alice-audit")["AccessKey"]
    feed = f"printf '%s\\n%s\\n' {ci['AccessKeyId']} {ci['SecretAccessKey']} | {AWSMFA} add ci"
    secrets = [LANDING_SECRET, ci["SecretAccessKey"]]

    added = _traced(["sh", "-c", feed], tmp_path, "add")
    assert str(isolated.config) in added.written
    assert _only_the_aws_files(added.written, isolated) == set()

    imported = _traced([AWSMFA, "import", "landing"], tmp_path, "import")
    assert {str(isolated.config), str(isolated.credentials)} <= imported.written
    assert _only_the_aws_files(imported.written, isolated) == set()

    ran = _traced([AWSMFA, "exec", "dev", "-t", CODE, "--", "env"], tmp_path, "exec")
    assert ran.written == set()
    ran_ci = _traced([AWSMFA, "exec", "ci", "--", "env"], tmp_path, "exec-ci")
    assert ran_ci.written == set()

    rotated = _traced([AWSMFA, "rotate", "ci"], tmp_path, "rotate")
    assert rotated.written == set()

    from awsmfa_exec import keystore

    new = keystore.read("ci")
    assert new is not None
    assert new.access_key_id != ci["AccessKeyId"]
    secrets.append(new.secret_access_key)
    roots = [Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]), tmp_path, secret_service.data]
    assert files_holding(secrets, *roots) == []
    assert list(secret_service.data.glob("*.keyring"))
    record_keyring(
        "audit: add, import, exec dev, exec ci, rotate ci traced; writes: ~/.aws/config and "
        "~/.aws/credentials (temporary file + rename) only; 3 secrets in no file under HOME, "
        "TMPDIR, the work folder or the keyring's store"
    )
