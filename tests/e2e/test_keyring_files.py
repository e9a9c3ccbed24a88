"""What `import`, `add`, `remove` and `restore` do to the AWS files, against a real Secret
Service: hostile profile names through the real runners of credential_process, spellings
botocore reads differently from a line editor, another file set's entry, real write faults
(a full tmpfs, a read-only mount), a kill between the renames, parallel imports."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.aws_files import CODE, LANDING_KEY_ID, LANDING_SECRET, SERIAL, AwsFiles
from tests.support.commands import AWSMFA, NO_METADATA, awsmfa, run
from tests.support.secret_service import SecretService
from tests.support.sts_server import Moto

OTHER_KEY_ID = "AKIAOTHER0000EXAMPLE"
OTHER_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
KEYS = f"aws_access_key_id = {LANDING_KEY_ID}\naws_secret_access_key = {LANDING_SECRET}\n"


def _view(files: AwsFiles) -> dict[str, dict[str, Any]]:
    """Both files as botocore reads them, merged as a Session does."""
    from botocore import configloader

    profiles: dict[str, dict[str, Any]] = {}
    if files.config.exists():
        profiles = configloader.load_config(str(files.config))["profiles"]
    if files.credentials.exists():
        for name, values in configloader.raw_config_parse(str(files.credentials)).items():
            profiles.setdefault(name, {}).update(values)
    return {name: values for name, values in profiles.items() if values}


def _stored(profile: str) -> tuple[str, str] | None:
    from awsmfa_exec import keystore

    keys = keystore.read(profile)
    return None if keys is None else (keys.access_key_id, keys.secret_access_key)


def _credential_process(files: AwsFiles, profile: str) -> str:
    from botocore import configloader

    return str(
        configloader.load_config(str(files.config))["profiles"][profile]["credential_process"]
    )


# 1. A profile name is a name to every runner of credential_process.


def test_a_hostile_profile_name_runs_no_code_in_any_runner(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles, tmp_path: Path
) -> None:
    pwned = tmp_path / "pwned"
    name = f"ci$(touch${{IFS}}{pwned})"
    isolated.write(f"[profile {name}]\nregion = eu-west-1\n", f"[{name}]\n{KEYS}")
    assert awsmfa("import", name).returncode == 0
    line = _credential_process(isolated, name)
    assert shlex.split(line) == ["awsmfa", "env", name, "--shell", "json"]

    by_sh = run(["sh", "-c", line])  # as the Go, JS and Java SDKs run it
    assert by_sh.returncode == 0, by_sh.stderr
    assert json.loads(by_sh.stdout)["Version"] == 1
    assert not pwned.exists()

    import botocore.session

    session = botocore.session.Session(profile=name)  # ProcessProvider: shlex, no shell
    found = session.get_credentials()
    assert found is not None
    assert found.get_frozen_credentials().access_key
    assert not pwned.exists()

    if shutil.which("terraform") is not None:  # the Go SDK's own runner
        _terraform_init_with_profile(moto, tmp_path / "tf", name)
    assert not pwned.exists()


def _terraform_init_with_profile(moto: Moto, project: Path, profile: str) -> None:
    import boto3

    boto3.client(
        "s3",
        endpoint_url=moto.url,
        region_name="eu-west-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
    ).create_bucket(
        Bucket="tf-hostile", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    project.mkdir()
    (project / "main.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    (project / "backend.hcl").write_text(
        f'bucket = "tf-hostile"\nkey = "s"\nregion = "eu-west-1"\n'
        f'endpoints = {{ s3 = "{moto.url}", sts = "{moto.url}" }}\nuse_path_style = true\n'
        "skip_credentials_validation = true\nskip_requesting_account_id = true\n"
        "skip_metadata_api_check = true\n"
    )
    env = {**os.environ, "AWS_PROFILE": profile}  # HCL would interpolate the ${...}
    done = run(
        ["terraform", "init", "-no-color", "-input=false", "-backend-config=backend.hcl"],
        env=env,
        cwd=project,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# 2. Spellings: the result is read back with botocore's loader before anything is renamed.

SPELLINGS = {
    "colon": (
        f"[profile landing]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n",
        f"[landing]\naws_access_key_id = {LANDING_KEY_ID}\n"
        f"aws_secret_access_key: {LANDING_SECRET}\n",
        "landing",
    ),
    "text after the header": (
        f"[default]   (landing keys)\nregion = eu-west-1\nmfa_serial = {SERIAL}\n",
        f"[default]   (landing keys)\n{KEYS}\n[other]\nregion = us-east-1\n",
        "default",
    ),
    "quoted name": (
        f'[profile "landing"]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n',
        f"[landing]\n{KEYS}",
        "landing",
    ),
}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_import_leaves_the_files_as_botocore_should_read_them(
    secret_service: SecretService, isolated: AwsFiles, spelling: str
) -> None:
    config, credentials, profile = SPELLINGS[spelling]
    isolated.write(config, credentials)
    before = _view(isolated)
    result = awsmfa("import", profile)
    assert result.returncode == 0, result.stderr
    expected = {name: dict(values) for name, values in before.items()}
    for key in ("aws_access_key_id", "aws_secret_access_key"):
        expected[profile].pop(key)
    expected[profile]["awsmfa_keys"] = "keyring"
    expected[profile]["credential_process"] = f"awsmfa env {profile} --shell json"
    assert _view(isolated) == expected
    assert LANDING_SECRET not in isolated.credentials.read_text() + isolated.config.read_text()
    assert _stored(profile) == (LANDING_KEY_ID, LANDING_SECRET)


def test_keys_a_line_edit_cannot_remove_are_refused_and_nothing_changes(
    secret_service: SecretService, isolated: AwsFiles
) -> None:
    # [DEFAULT] gives its keys to every section: removing them from [landing] does nothing.
    isolated.write("[profile landing]\nregion = eu-west-1\n", f"[DEFAULT]\n{KEYS}\n[landing]\n")
    before = (isolated.config.read_text(), isolated.credentials.read_text())
    result = awsmfa("import", "landing")
    assert result.returncode == 3
    assert result.stderr == (
        f"awsmfa: error: awsmfa cannot edit {isolated.credentials} for profile landing so that "
        "botocore reads it as meant (aws_access_key_id of profile landing would not be as "
        "intended); nothing was changed: edit the file by hand\n"
    )
    assert (isolated.config.read_text(), isolated.credentials.read_text()) == before
    assert _stored("landing") is None
    assert sorted(p.name for p in isolated.config.parent.iterdir()) == [
        ".config.lock",
        "config",
        "credentials",
    ]


# 3. One keyring entry a profile name: another file set's is never written over.


def test_import_refuses_another_file_sets_entry_of_the_same_name(
    secret_service: SecretService, isolated: AwsFiles, tmp_path: Path
) -> None:
    isolated.write("[default]\nregion = eu-west-1\n", f"[default]\n{KEYS}")
    assert awsmfa("import", "default").returncode == 0
    second = AwsFiles(tmp_path / "b" / "config", tmp_path / "b" / "credentials")
    second.config.parent.mkdir()
    second.write(
        "[default]\nregion = us-east-1\n",
        f"[default]\naws_access_key_id = {OTHER_KEY_ID}\naws_secret_access_key = {OTHER_SECRET}\n",
    )
    env = {
        **os.environ,
        "AWS_CONFIG_FILE": str(second.config),
        "AWS_SHARED_CREDENTIALS_FILE": str(second.credentials),
    }
    before = (second.config.read_text(), second.credentials.read_text())
    result = awsmfa("import", "default", env=env)
    assert (result.returncode, result.stderr) == (
        3,
        "awsmfa: error: the keyring already holds other keys for profile default, kept for "
        f"{isolated.credentials}; it keeps one entry a profile name: run `awsmfa restore "
        "default` with those files first, or give this profile another name\n",
    )
    assert (second.config.read_text(), second.credentials.read_text()) == before
    assert _stored("default") == (LANDING_KEY_ID, LANDING_SECRET)
    second.credentials.write_text("")
    added = awsmfa("add", "default", env=env, input=f"{OTHER_KEY_ID}\n{OTHER_SECRET}\n")
    assert added.returncode == 3
    assert "already holds other keys for profile default" in added.stderr
    assert _stored("default") == (LANDING_KEY_ID, LANDING_SECRET)


# 8. Real faults: a full file system, a read-only one, a kill between the renames.


def _in_namespace(script: str, aws: Path) -> subprocess.CompletedProcess[str]:
    """`script` in a private mount namespace, where `aws` may be remounted (root only)."""
    env = {**os.environ, "AWS_DIR": str(aws), "AWSMFA": AWSMFA, **NO_METADATA}
    return run(["unshare", "-m", "sh", "-euc", script], env=env, timeout=60)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mount namespaces need root")


@needs_root
def test_a_full_file_system_changes_nothing_and_leaves_no_temporary(
    secret_service: SecretService, aws_files: AwsFiles
) -> None:
    aws = aws_files.config.parent
    script = r"""
        mkdir -p "$AWS_DIR.seed" && cp "$AWS_DIR"/* "$AWS_DIR.seed/"
        mount -t tmpfs -o size=16k tmpfs "$AWS_DIR"
        cp "$AWS_DIR.seed"/* "$AWS_DIR/"
        dd if=/dev/zero of="$AWS_DIR/fill" bs=1024 2>/dev/null || true
        status=0; "$AWSMFA" import landing 2>"$AWS_DIR.seed/stderr" || status=$?
        echo "status=$status"; cat "$AWS_DIR.seed/stderr"
        ls -A "$AWS_DIR"; cat "$AWS_DIR/config" "$AWS_DIR/credentials"
    """
    before = aws_files.config.read_text() + aws_files.credentials.read_text()
    done = _in_namespace(script, aws)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "status=3",
        # the credentials file's new text is empty: it takes no block, the config's does
        f"awsmfa: error: cannot write {aws_files.config}: no space left on device; "
        "nothing was changed",
    ]
    assert lines[2:6] == [".config.lock", "config", "credentials", "fill"]
    assert "\n".join(lines[6:]) + "\n" == before
    assert _stored("landing") is None


@needs_root
def test_a_read_only_file_system_changes_nothing(
    secret_service: SecretService, aws_files: AwsFiles
) -> None:
    aws = aws_files.config.parent
    script = r"""
        mount --bind -o ro "$AWS_DIR" "$AWS_DIR"
        status=0; "$AWSMFA" import landing 2>&1 || status=$?
        echo "status=$status"
        keys='AKIACI00000000000001\nci-secret-ci-secret-ci\n'
        status=0; printf "$keys" | "$AWSMFA" add ci 2>&1 || status=$?
        echo "status=$status"
    """
    before = aws_files.config.read_text(), aws_files.credentials.read_text()
    done = _in_namespace(script, aws)
    assert done.returncode == 0, done.stderr
    cannot = (
        f"awsmfa: error: cannot write {aws_files.config}: read-only file system; "
        "nothing was changed"
    )
    assert done.stdout.splitlines() == [cannot, "status=3", cannot, "status=3"]
    assert (aws_files.config.read_text(), aws_files.credentials.read_text()) == before
    assert (_stored("landing"), _stored("ci")) == (None, None)


@needs_root
def test_a_file_that_cannot_be_replaced_changes_nothing(
    secret_service: SecretService, aws_files: AwsFiles
) -> None:
    """A credentials file bind-mounted on its own, as into a container: rename gives EBUSY
    after the keyring was written, which is undone."""
    script = r"""
        mount --bind "$AWS_DIR/credentials" "$AWS_DIR/credentials"
        status=0; "$AWSMFA" import landing 2>&1 || status=$?
        echo "status=$status"; ls -A "$AWS_DIR"
    """
    before = aws_files.config.read_text(), aws_files.credentials.read_text()
    done = _in_namespace(script, aws_files.config.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"awsmfa: error: cannot write {aws_files.credentials}: device or resource busy; "
        "nothing was changed",
        "status=3",
        ".config.lock",
        "config",
        "credentials",
    ]
    assert (aws_files.config.read_text(), aws_files.credentials.read_text()) == before
    assert _stored("landing") is None


def test_a_kill_between_the_renames_leaves_no_secret_behind_and_import_finishes(
    secret_service: SecretService, aws_files: AwsFiles
) -> None:
    """SIGKILL on the second rename, by strace's fault injection: the credentials file was
    renamed first, so no temporary holding a secret is left; the next import completes."""
    aws = aws_files.config.parent
    inject = "inject=rename,renameat,renameat2:signal=SIGKILL:when=2"
    killed = run(
        [
            "strace",
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=rename,renameat,renameat2",
            "-e",
            inject,
            AWSMFA,
            "import",
            "landing",
        ],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert killed.returncode != 0
    assert LANDING_SECRET not in aws_files.credentials.read_text()
    assert "awsmfa_keys" not in aws_files.config.read_text()
    left = [p for p in aws.iterdir() if p.name.endswith(".new")]
    assert [p.name.startswith(".config.") for p in left] == [True]
    assert not any(LANDING_SECRET in p.read_text() for p in left)
    assert _stored("landing") == (LANDING_KEY_ID, LANDING_SECRET)

    again = awsmfa("import", "landing")
    assert again.returncode == 0, again.stderr
    assert "awsmfa_keys = keyring" in aws_files.config.read_text()
    assert not [p for p in aws.iterdir() if p.name.endswith(".new")]


def test_parallel_imports_lose_no_mark(secret_service: SecretService, isolated: AwsFiles) -> None:
    names = [f"acct{i}" for i in range(8)]
    isolated.write(
        "".join(f"[profile {n}]\nregion = eu-west-1\n\n" for n in names),
        "".join(
            f"[{n}]\naws_access_key_id = AKIAPARALLEL0000000{i}\n"
            f"aws_secret_access_key = parallel-secret-{i}-parallel\n\n"
            for i, n in enumerate(names)
        ),
    )
    isolated.credentials.chmod(0o640)
    env = {**os.environ, **NO_METADATA}
    processes = [
        subprocess.Popen([AWSMFA, "import", n], env=env, stderr=subprocess.PIPE, text=True)
        for n in names
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * len(names), errors
    view = _view(isolated)
    assert [view[n].get("awsmfa_keys") for n in names] == ["keyring"] * len(names)
    assert not any("aws_access_key_id" in view[n] for n in names)
    assert stat.S_IMODE(isolated.credentials.stat().st_mode) == 0o640
    assert sorted(i["username"] for i in secret_service.items()) == names


# 25.3: remove asks; restore is the way back.


def test_remove_without_a_terminal_needs_force(
    secret_service: SecretService, aws_files: AwsFiles
) -> None:
    assert awsmfa("import", "landing").returncode == 0
    config = aws_files.config.read_text()
    refused = awsmfa("remove", "landing")
    assert (refused.returncode, refused.stderr) == (
        2,
        "awsmfa: error: the keyring holds the only copy of key AKIA…MPLE of landing; "
        f"`awsmfa restore landing` writes it back into {aws_files.credentials}; give --force "
        "to delete it without asking\n",
    )
    assert aws_files.config.read_text() == config
    assert _stored("landing") is not None
    forced = awsmfa("remove", "landing", "--force")
    assert forced.returncode == 0, forced.stderr
    assert _stored("landing") is None
    assert "awsmfa_keys" not in aws_files.config.read_text()


@pytest.mark.parametrize(("answer", "removed"), [("n", False), ("", False), ("y", True)])
def test_remove_asks_on_the_terminal(
    secret_service: SecretService, aws_files: AwsFiles, answer: str, removed: bool
) -> None:
    from tests.support.terminal import Terminal

    assert awsmfa("import", "landing").returncode == 0
    master, slave = os.openpty()
    term = Terminal(master, slave)
    try:
        process = subprocess.Popen(
            ["setsid", "--ctty", AWSMFA, "remove", "landing"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, **NO_METADATA},
        )
        seen = term.read_until(b"[y/N] ")
        os.write(master, f"{answer}\n".encode())
        code = process.wait(timeout=30)
    finally:
        os.close(master)
        os.close(slave)
    assert (
        b"Delete key AKIA\xe2\x80\xa6MPLE of landing from the keyring? It is the only copy" in seen
    )
    assert code == (0 if removed else 1)
    assert (_stored("landing") is None) == removed


def test_restore_undoes_import(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles
) -> None:
    config = (
        f"[default]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n\n[profile dev]\n"
        "role_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = default\n"
    )
    credentials = f"# landing\n[default]\n{KEYS}\n[other]\nregion = us-east-1\n"
    isolated.write(config, credentials)
    isolated.credentials.chmod(0o644)
    before = _view(isolated)
    assert awsmfa("import", "default").returncode == 0
    restored = awsmfa("restore", "default")
    assert (restored.returncode, restored.stderr) == (
        0,
        f"awsmfa: default: key AKIA…MPLE is back in {isolated.credentials}, and no longer in "
        "the keyring\n",
    )
    assert _view(isolated) == before
    assert isolated.config.read_text() == config
    assert stat.S_IMODE(isolated.credentials.stat().st_mode) == 0o600  # it holds a secret
    assert secret_service.items() == []
    shown = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert shown.returncode == 0, shown.stderr
    plain = run(["aws", "sts", "get-caller-identity"])  # botocore reads the file's keys
    assert plain.returncode == 0, plain.stderr
    again = awsmfa("restore", "default")
    assert (again.returncode, again.stderr) == (
        3,
        "awsmfa: error: profile default keeps no keys in the keyring to restore\n",
    )
