"""Long-term keys in a real Secret Service (gnome-keyring on a private D-Bus session bus):
`add`, `import`, `remove`, `list`, and `exec`/`env` resolving a keyring profile through the
agent and without it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from awsmfa_exec.credentials import mask_key_id
from tests.support.aws_files import (
    ACCOUNT,
    CODE,
    LANDING_KEY_ID,
    LANDING_SECRET,
    SEED_CONFIG,
    SEED_CREDENTIALS,
    SERIAL,
    AwsFiles,
    role_arn_of,
)
from tests.support.commands import AWSMFA, ROOT, awsmfa, run
from tests.support.proof import files_holding, record_keyring
from tests.support.secret_service import SecretService
from tests.support.sts_server import Moto

# The seed's layout with the landing keys in [default], as `aws configure` leaves them.
DEFAULT_CONFIG = f"""\
# landing account: MFA guards every role
[default]
region = eu-west-1
mfa_serial = {SERIAL}

[profile dev]
role_arn = arn:aws:iam::{ACCOUNT}:role/dev
source_profile = default
region = eu-central-1
"""
OTHER_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
DEFAULT_CREDENTIALS = f"""\
# keys of the landing account
[default]
aws_access_key_id = {LANDING_KEY_ID}
aws_secret_access_key = {LANDING_SECRET}

; another account: stays in the file
[other]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = {OTHER_SECRET}
"""


def _default_layout(files: AwsFiles) -> None:
    files.write(DEFAULT_CONFIG, DEFAULT_CREDENTIALS)
    files.credentials.chmod(0o640)


def test_import_default_moves_the_keys_and_everything_keeps_working(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles
) -> None:
    _default_layout(isolated)
    imported = awsmfa("import", "default")
    assert imported.returncode == 0, imported.stderr
    credentials = isolated.credentials.read_text()
    assert LANDING_SECRET not in credentials
    assert LANDING_KEY_ID not in credentials
    assert credentials == (
        "# keys of the landing account\n[default]\n\n; another account: stays in the file\n"
        "[other]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n"
        f"aws_secret_access_key = {OTHER_SECRET}\n"
    )
    assert stat.S_IMODE(isolated.credentials.stat().st_mode) == 0o640
    config = isolated.config.read_text()
    assert config == DEFAULT_CONFIG.replace(
        f"mfa_serial = {SERIAL}\n",
        f"mfa_serial = {SERIAL}\nawsmfa_keys = keyring\n"
        "credential_process = awsmfa env default --shell json\n",
    )
    assert [(i["service"], i["username"]) for i in secret_service.items()] == [
        ("awsmfa", "default")
    ]

    shown = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["Arn"].startswith(role_arn_of("dev"))

    # Plain aws: dev's source profile runs `awsmfa env default --shell json`, which gets the
    # MFA session (held by the agent since the exec above: no code) for botocore's AssumeRole.
    plain = run(["aws", "--profile", "dev", "sts", "get-caller-identity"])
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["Arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/")

    roots = [Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]), secret_service.data]
    assert files_holding([LANDING_SECRET], *roots) == []
    assert list(secret_service.data.glob("*.keyring"))  # the one store, encrypted
    record_keyring(
        "import default: secret gone from credentials, exec dev and aws --profile dev "
        f"assume {role_arn_of('dev')}…, secret in no file under HOME, TMPDIR or the keyring's store"
    )

    again = awsmfa("import", "default")
    assert (again.returncode, again.stderr) == (0, "awsmfa: default: keys already in the keyring\n")
    assert isolated.credentials.read_text() == credentials
    assert isolated.config.read_text() == config


def test_import_without_names_takes_every_profile_with_keys(
    aws_files: AwsFiles, secret_service: SecretService
) -> None:
    result = awsmfa("import", "--no-credential-process")
    assert result.returncode == 0, result.stderr
    assert aws_files.credentials.read_text() == ""
    assert "credential_process" not in aws_files.config.read_text()
    assert [item["username"] for item in secret_service.items()] == ["landing"]
    listed = {e["name"]: e for e in json.loads(awsmfa("list", "--json").stdout)}
    assert {name: e["keys"] for name, e in listed.items()} == {
        "deep": "keyring",
        "dev": "keyring",
        "landing": "keyring",
        "prod": "keyring",
    }
    assert listed["landing"]["kind"] == "keys"


@pytest.mark.parametrize("agent", ["on", "off"])
def test_a_keyring_profile_resolves_like_a_file_one(
    moto: Moto, secret_service: SecretService, agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWSMFA_AGENT", agent)
    assert awsmfa("import", "landing").returncode == 0
    for profile in ("dev", "deep"):
        shown = awsmfa("exec", profile, "-t", CODE, "--", "aws", "sts", "get-caller-identity")
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["Arn"].startswith(role_arn_of(profile))
    env = awsmfa("env", "landing", "-t", CODE, "--shell", "json")
    assert env.returncode == 0, env.stderr
    assert json.loads(env.stdout)["SessionToken"]  # the MFA session, not the long-term key
    assert LANDING_SECRET not in env.stdout
    record_keyring(f"exec dev, exec deep, env landing from the keyring, AWSMFA_AGENT={agent}")


def test_an_agent_started_before_dbus_gets_the_keys_from_its_client(
    moto: Moto, secret_service: SecretService
) -> None:
    """An agent started where no session bus was reachable cannot read the keyring; a
    client that can hands it the keys over the verified socket, as it does a chain root."""
    assert awsmfa("import", "landing").returncode == 0
    no_bus = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    assert awsmfa("agent", "start", env=no_bus).returncode == 0
    shown = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["Arn"].startswith(role_arn_of("dev"))
    assert "landing  mfa-session" in awsmfa("agent", "status").stdout  # the agent made it
    held = awsmfa("exec", "deep", "--", "true", env=no_bus)  # the keys, held: no bus needed
    assert held.returncode == 0, held.stderr
    made = ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]
    assert moto.calls() == [*made, "AssumeRole", "AssumeRole"]


def test_a_cached_exec_of_a_keyring_profile_loads_no_keyring(
    moto: Moto, secret_service: SecretService
) -> None:
    assert awsmfa("import", "landing").returncode == 0
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    result = run(
        [sys.executable, "-X", "importtime", "-m", "awsmfa_exec", "exec", "dev", "--", "true"]
    )
    assert result.returncode == 0, result.stderr
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "awsmfa_exec.agent.client" in loaded
    assert not [m for m in loaded if m.startswith(("keyring", "secretstorage", "jeepney"))]


def test_keys_in_both_the_keyring_and_the_file_are_an_error(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles
) -> None:
    assert awsmfa("import", "landing").returncode == 0
    isolated.credentials.write_text(SEED_CREDENTIALS)
    for env in ({}, {"AWSMFA_AGENT": "off"}):
        result = awsmfa("exec", "dev", "-t", CODE, "--", "true", env={**os.environ, **env})
        assert result.returncode == 3
        assert result.stderr == (
            "awsmfa: error: profile landing has keys in both the keyring and "
            f"{isolated.credentials}; keep one: `awsmfa import landing` moves the file's keys "
            "into the keyring\n"
        )


def test_add_from_stdin_then_remove(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles
) -> None:
    isolated.credentials.write_text("")
    added = awsmfa("add", "landing", input=f"{LANDING_KEY_ID}\n{LANDING_SECRET}\n")
    assert added.returncode == 0, added.stderr
    assert LANDING_SECRET not in added.stderr + added.stdout
    assert "awsmfa_keys = keyring" in isolated.config.read_text()
    shown = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert json.loads(shown.stdout)["Arn"].startswith(role_arn_of("dev"))

    removed = awsmfa("remove", "landing", "--force")
    assert (removed.returncode, removed.stderr) == (
        0,
        "awsmfa: landing: keys removed from the keyring\n",
    )
    assert secret_service.items() == []
    config = isolated.config.read_text()
    assert "awsmfa_keys" not in config
    assert "credential_process" not in config
    again = awsmfa("remove", "landing", "--force")
    assert (again.returncode, again.stderr) == (
        3,
        "awsmfa: error: the keyring holds no keys for profile landing\n",
    )


def test_add_refuses_what_is_not_a_key(aws_files: AwsFiles, secret_service: SecretService) -> None:
    short = awsmfa("add", "ci", input="AKIA\nsecret\n")
    assert (short.returncode, short.stderr) == (
        2,
        "awsmfa: error: the access key id must be 16 or more capital letters and digits\n",
    )
    in_file = awsmfa("add", "landing", input=f"{LANDING_KEY_ID}\n{LANDING_SECRET}\n")
    assert in_file.returncode == 3
    assert "`awsmfa import landing` moves them into the keyring" in in_file.stderr
    assert secret_service.items() == []


@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
def test_no_usable_keyring_is_one_line_naming_what_to_install(
    aws_files: AwsFiles, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    before = aws_files.credentials.read_text()
    result = awsmfa("import", "landing")
    assert result.returncode == 3
    assert result.stderr.startswith("awsmfa: error: no OS keyring to keep keys in: ")
    assert "apt-get install gnome-keyring" in result.stderr
    assert result.stderr.count("\n") == 1
    assert aws_files.credentials.read_text() == before


def _iam(moto: Moto) -> Any:
    import boto3

    return boto3.client(
        "iam",
        endpoint_url=moto.url,
        region_name="us-east-1",
        aws_access_key_id="AKIAADMINADMINADMIN0",
        aws_secret_access_key="admin-secret-admin-secret",
    )


def test_rotate_replaces_the_key_in_iam_and_the_keyring(
    moto: Moto, secret_service: SecretService, isolated: AwsFiles
) -> None:
    iam = _iam(moto)
    iam.create_user(UserName="alice-rotate")
    old = iam.create_access_key(UserName="alice-rotate")["AccessKey"]
    isolated.credentials.write_text("")
    keys = f"{old['AccessKeyId']}\n{old['SecretAccessKey']}\n"
    assert awsmfa("add", "landing", input=keys).returncode == 0
    assert (
        awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    )  # the agent holds a session

    rotated = awsmfa("rotate", "landing", "-t", CODE)
    assert rotated.returncode == 0, rotated.stderr
    listed = iam.list_access_keys(UserName="alice-rotate")["AccessKeyMetadata"]
    live = [k["AccessKeyId"] for k in listed]
    assert len(live) == 1
    assert old["AccessKeyId"] not in live
    assert rotated.stderr.endswith(
        f"awsmfa: landing: old key {mask_key_id(old['AccessKeyId'])} deleted; new key "
        f"{mask_key_id(live[0])} is live and in the keyring\n"
    )
    assert old["SecretAccessKey"] not in rotated.stderr

    from awsmfa_exec import keystore

    new = keystore.read("landing")
    assert new is not None
    assert new.access_key_id == live[0]
    sts = run(
        ["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
        env={
            **os.environ,
            "AWS_ACCESS_KEY_ID": new.access_key_id,
            "AWS_SECRET_ACCESS_KEY": new.secret_access_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        },
    )
    assert sts.returncode == 0, sts.stderr
    assert sts.stdout.strip() == f"arn:aws:iam::{ACCOUNT}:user/alice-rotate"
    shown = awsmfa("exec", "dev", "-t", CODE, "--", "aws", "sts", "get-caller-identity")
    assert json.loads(shown.stdout)["Arn"].startswith(role_arn_of("dev"))
    iam.create_access_key(UserName="alice-rotate")  # IAM allows two: no room for a third
    refused = awsmfa("rotate", "landing", "-t", CODE)
    assert (refused.returncode, refused.stderr) == (
        4,
        "awsmfa: error: IAM refused CreateAccessKey: LimitExceeded: Cannot exceed quota for "
        f"AccessKeysPerUser: 2; the live key is still {mask_key_id(live[0])}, in the keyring\n",
    )
    assert keystore.read("landing") == new
    record_keyring(
        f"rotate landing: {old['AccessKeyId']} deleted in IAM, {live[0]} live, in the keyring, "
        "and answering GetCallerIdentity as user/alice-rotate; with no room for a third key, "
        "exit 4 naming the live one"
    )


def test_rotate_refuses_keys_that_are_not_in_the_keyring(aws_files: AwsFiles) -> None:
    result = awsmfa("rotate", "landing", "-t", CODE)
    assert result.returncode == 3
    assert result.stderr == (
        "awsmfa: error: profile landing does not keep long-term keys in the keyring; rotate "
        "the profile that does (`awsmfa import landing` moves file keys there)\n"
    )


def test_add_on_a_terminal_does_not_echo_the_secret(
    aws_files: AwsFiles, secret_service: SecretService
) -> None:
    from tests.support.terminal import Terminal

    aws_files.credentials.write_text("")
    master, slave = os.openpty()
    term = Terminal(master, slave)
    try:
        process = subprocess.Popen(
            ["setsid", "--ctty", AWSMFA, "add", "landing"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        seen = term.read_until(b"Access key ID: ")
        os.write(master, f"{LANDING_KEY_ID}\n".encode())
        seen += term.read_until(b"Secret access key: ")
        os.write(master, f"{LANDING_SECRET}\n".encode())
        seen += term.read_until(b"is in the keyring")
        assert process.wait(timeout=30) == 0
    finally:
        os.close(master)
        os.close(slave)
    assert LANDING_KEY_ID.encode() in seen  # the key id is echoed as typed
    assert LANDING_SECRET.encode() not in seen
    from awsmfa_exec import keystore

    stored = keystore.read("landing")
    assert stored is not None
    assert (stored.access_key_id, stored.secret_access_key) == (LANDING_KEY_ID, LANDING_SECRET)


def test_add_keeps_a_profile_s_own_credential_process_and_says_so(
    aws_files: AwsFiles, secret_service: SecretService
) -> None:
    own = "credential_process = /opt/vault/bin/give-keys landing"
    aws_files.write(SEED_CONFIG.replace("[profile landing]\n", f"[profile landing]\n{own}\n"), "")
    added = awsmfa("add", "landing", input=f"{LANDING_KEY_ID}\n{LANDING_SECRET}\n")
    assert added.returncode == 0, added.stderr
    kept = f"awsmfa: landing: its own credential_process in {aws_files.config} is kept"
    assert kept in added.stderr.splitlines()
    config = aws_files.config.read_text()
    assert own in config
    assert "awsmfa env landing" not in config
    assert "awsmfa_keys = keyring" in config


def test_import_of_what_cannot_be_imported_says_how_to_fix_it(
    aws_files: AwsFiles, secret_service: SecretService
) -> None:
    unknown = awsmfa("import", "landin")
    assert unknown.returncode == 3
    assert unknown.stderr.startswith("awsmfa: error: profile 'landin' is not in ")
    assert unknown.stderr.endswith("; did you mean 'landing'?\n")
    aws_files.write(credentials=f"[landing]\naws_access_key_id = {LANDING_KEY_ID}\n")
    half = awsmfa("import", "landing")
    assert (half.returncode, half.stderr) == (
        3,
        "awsmfa: error: profile landing has no aws_secret_access_key; add it to [landing]\n",
    )
    assert secret_service.items() == []


def _plant(profile: str, value: str) -> None:
    from keyring.backends.SecretService import Keyring

    Keyring().set_password("awsmfa", profile, value)  # type: ignore[no-untyped-call]


def _held(profile: str) -> str | None:
    from keyring.backends.SecretService import Keyring

    value: str | None = Keyring().get_password("awsmfa", profile)  # type: ignore[no-untyped-call]
    return value


def test_add_replaces_a_keyring_entry_awsmfa_did_not_write(
    aws_files: AwsFiles, secret_service: SecretService
) -> None:
    _plant("landing", "not an entry of awsmfa's")
    aws_files.write(credentials="")
    added = awsmfa("add", "landing", input=f"{LANDING_KEY_ID}\n{LANDING_SECRET}\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(str(_held("landing")))["aws_access_key_id"] == LANDING_KEY_ID


def test_a_keyring_that_cannot_be_read_is_not_taken_for_an_empty_one(
    aws_files: AwsFiles, secret_service: SecretService
) -> None:
    other = {
        "aws_access_key_id": "AKIAOTHERFILESET000",
        "aws_secret_access_key": OTHER_SECRET,
        "credentials_file": "/elsewhere/.aws/credentials",
    }
    _plant("landing", json.dumps(other))
    aws_files.write(credentials="")
    before = aws_files.config.read_text()
    faulty = run(
        [sys.executable, "-m", "tests.support.keyring_fault", "--reads-fail", "add", "landing"],
        cwd=ROOT,
        input=f"{LANDING_KEY_ID}\n{LANDING_SECRET}\n",
    )
    assert (faulty.returncode, faulty.stderr) == (
        3,
        "awsmfa: error: the keyring refused to read the keys of landing: "
        "injected fault: the collection could not be read\n",
    )
    assert json.loads(str(_held("landing"))) == other  # the other file set's entry stays
    assert aws_files.config.read_text() == before
