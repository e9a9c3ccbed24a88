"""The views of the AWS files that `exec --server` hands its command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from botocore.configloader import load_config

from awsmfa_exec.endpoint.views import default_profile_views, without_default_credentials
from awsmfa_exec.files import Files

CONFIG = b"""\
# a comment
[profile default]
region = eu-west-1
aws_access_key_id = AKIADEFAULT
AWS_Secret_Access_Key: secret-in-config
role_arn=arn:aws:iam::1:role/x
credential_process =
    command = /bin/give-keys

    # still the value
    args = --all
s3 =
    max_concurrent_requests = 20
output = json

[profile dev]
aws_access_key_id = AKIADEV
aws_secret_access_key = dev-secret

[ default ]
sso_session = corp
; credential_process = kept, a comment
"""
CONFIG_VIEW = b"""\
# a comment
[profile default]
region = eu-west-1

    # still the value
s3 =
    max_concurrent_requests = 20
output = json

[profile dev]
aws_access_key_id = AKIADEV
aws_secret_access_key = dev-secret

[ default ]
; credential_process = kept, a comment
"""


def test_only_the_default_profiles_credential_lines_go() -> None:
    assert without_default_credentials(CONFIG, config=True) == CONFIG_VIEW


def test_botocore_finds_no_credentials_in_the_views_default(tmp_path: Path) -> None:
    (tmp_path / "config").write_bytes(CONFIG)
    (tmp_path / "view").write_bytes(CONFIG_VIEW)
    before = load_config(str(tmp_path / "config"))["profiles"]["default"]
    after = load_config(str(tmp_path / "view"))["profiles"]["default"]
    assert {"aws_access_key_id", "role_arn", "credential_process"} <= set(before)
    assert after == {
        "region": "eu-west-1",
        "s3": {"max_concurrent_requests": "20"},
        "output": "json",
    }


def test_profile_default_is_default_only_in_the_config_file() -> None:
    text = b"[profile default]\naws_access_key_id = A\n[default]\naws_session_token = t\n"
    assert without_default_credentials(text, config=False) == (
        b"[profile default]\naws_access_key_id = A\n[default]\n"
    )


def test_a_file_without_default_credentials_is_unchanged() -> None:
    text = b"[default]\nregion = x\r\n[landing]\naws_access_key_id = A\n"
    assert without_default_credentials(text, config=False) == text


def _files(tmp_path: Path, config: bytes, credentials: bytes) -> Files:
    files = Files(tmp_path / "config", tmp_path / "credentials")
    files.config.write_bytes(config)
    files.credentials.write_bytes(credentials)
    return files


def test_the_view_rereads_whole_in_every_process_that_holds_it(tmp_path: Path) -> None:
    files = _files(tmp_path, b"[default]\nregion = x\n", b"[default]\naws_access_key_id = A\n")
    with default_profile_views(files, "dev") as made:
        path = made.variables["AWS_SHARED_CREDENTIALS_FILE"]
        assert path.startswith("/proc/self/fd/")
        assert "AWS_CONFIG_FILE" not in made.variables  # nothing to leave out there
        assert made.variables["AWSMFA_SHARED_CREDENTIALS_FILE"] == str(files.credentials)
        assert Path(path).read_bytes() == Path(path).read_bytes() == b"[default]\n"
        with pytest.raises(PermissionError):  # sealed: nobody below awsmfa can change it
            Path(path).write_bytes(b"[default]\naws_access_key_id = B\n")
        fd = int(path.rsplit("/", 1)[1])
        below = subprocess.run(
            ["sh", "-c", f'cat "{path}"; sh -c \'cat "{path}"\''],
            capture_output=True,
            check=True,
            pass_fds=(fd,),
        )
        assert below.stdout == b"[default]\n" * 2
    with pytest.raises(OSError, match="Bad file descriptor"):  # closed with the run
        os.fstat(fd)
    assert files.credentials.read_bytes() == b"[default]\naws_access_key_id = A\n"


def test_without_memfd_the_old_warning_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path, b"", b"[default]\naws_access_key_id = A\naws_secret_access_key = s\n")
    monkeypatch.delattr("awsmfa_exec.endpoint.views.os.memfd_create")
    with default_profile_views(files, "dev") as made:
        assert made.variables == {}
    assert capsys.readouterr().err == (
        "awsmfa: warning: profile default has aws_access_key_id, and SDKs use the default "
        "profile before the --server endpoint, so the command may not run as dev; move those "
        "settings to a named profile\n"
    )


@pytest.mark.parametrize(
    "header", ["[default]", "[profile default]", '[profile "default"]', "[profile  default]"]
)
def test_every_header_botocore_reads_as_default_loses_its_credentials(
    tmp_path: Path, header: str
) -> None:
    text = f"{header}\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = o\n"
    (tmp_path / "config").write_text(text)
    (tmp_path / "view").write_bytes(without_default_credentials(text.encode(), config=True))
    assert set(load_config(str(tmp_path / "config"))["profiles"]["default"]) >= {"role_arn"}
    assert load_config(str(tmp_path / "view"))["profiles"]["default"] == {"region": "eu-west-1"}
