"""The keyring commands under `strace -f`: the long-term secret in plaintext in no file.

`add`, `import`, `exec` from a keyring profile, `rotate`, `restore` and `remove` run traced,
the session agent they start included, and the failure paths: `remove` refused without a
terminal, an `import` refused after its temporary files were written (botocore reads the
result otherwise than meant). `exec` writes nothing; the others write only what they must:
`~/.aws/config` and `~/.aws/credentials`, each through a temporary file beside it that is
renamed over it (or deleted, on failure), and the files' lock `.config.lock`. The
keyring's own encrypted store is written by gnome-keyring-daemon, outside the trace: the
one other write. Then every file under HOME, TMPDIR, the working directory and the
keyring's store is searched for the secret keys.
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


def _traced(
    args: list[str], tmp_path: Path, name: str, status: int = 0, env: dict[str, str] | None = None
) -> Audit:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    trace = tmp_path / f"strace-{name}.log"
    result = traced_run(args, trace, env or dict(os.environ), work)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    agent = Path(os.environ["AWSMFA_AGENT_SOCK"])
    found = audit(trace, allowed=[agent, agent.parent])
    if name.startswith("exec"):  # the summary's totals are of runs that may write nothing
        record_audit(found.traced, found.written, found.allowed)
    return found


def _only_the_aws_files(written: set[str], files: AwsFiles) -> set[str]:
    """What of `written` is neither an AWS file nor the temporary file renamed over it."""
    own = {str(files.config), str(files.credentials), str(files.config.parent / ".config.lock")}
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

    refused = _traced([AWSMFA, "remove", "ci"], tmp_path, "remove-refused", status=2)
    assert refused.written == set()
    forced = _traced([AWSMFA, "remove", "ci", "--force"], tmp_path, "remove")
    assert _only_the_aws_files(forced.written, isolated) == set()
    restored = _traced([AWSMFA, "restore", "landing"], tmp_path, "restore")
    assert str(isolated.credentials) in restored.written
    assert _only_the_aws_files(restored.written, isolated) == set()
    other = _refused_import(tmp_path)
    # the user's choice: landing's keys back in the credentials file, and nowhere else
    assert set(files_holding(secrets, *roots)) == {str(isolated.credentials)}
    assert set(files_holding([REFUSED_SECRET], *roots)) == {str(other.credentials)}
    record_keyring(
        "audit: add, import, exec dev, exec ci, rotate ci, remove ci (refused, then --force), "
        "restore landing, a refused import traced; writes: ~/.aws/config and "
        "~/.aws/credentials (temporary file + rename) and their lock only; 3 secrets in no "
        "file under HOME, TMPDIR, the work folder or the keyring's store"
    )


REFUSED_SECRET = "refused/secret/refused/secret/EXAMPLEKEY"


def _refused_import(tmp_path: Path) -> AwsFiles:
    """An import that writes its temporaries, reads them back and refuses: [DEFAULT]'s keys
    are every section's, and removing none from [bad] leaves them where botocore reads them."""
    other = AwsFiles(tmp_path / "b" / "config", tmp_path / "b" / "credentials")
    other.config.parent.mkdir()
    keys = f"aws_access_key_id = AKIAREFUSED000EXAMPLE\naws_secret_access_key = {REFUSED_SECRET}"
    other.write("[profile bad]\nregion = eu-west-1\n", f"[DEFAULT]\n{keys}\n\n[bad]\n")
    env = {
        **os.environ,
        "AWS_CONFIG_FILE": str(other.config),
        "AWS_SHARED_CREDENTIALS_FILE": str(other.credentials),
    }
    failed = _traced([AWSMFA, "import", "bad"], tmp_path, "import-refused", status=3, env=env)
    assert str(other.config) not in failed.written
    assert _only_the_aws_files(failed.written, other) == set()
    assert sorted(p.name for p in other.config.parent.iterdir()) == [
        ".config.lock",
        "config",
        "credentials",
    ]
    return other
