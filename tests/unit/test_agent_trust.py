"""The client's checks on the agent's socket: each platform's peer struct, each refusal."""

from __future__ import annotations

import os
import socket
import struct
from pathlib import Path

import pytest

from awsmfa_exec import log
from awsmfa_exec.agent import trust
from awsmfa_exec.agent.paths import Untrusted
from tests.support.agent import code_for_planted_need


def test_linux_ucred_gives_the_uid_unsigned() -> None:
    raw = struct.pack("=iII", 4242, 4_294_967_294, 100)
    assert trust.uid_from_ucred(raw) == 4_294_967_294
    assert trust.uid_from_ucred(struct.pack("=iII", 1, 65534, 65534)) == 65534


def test_macos_xucred_gives_the_uid_and_checks_its_version() -> None:
    groups = [20, 12, 61, *[0] * 13]
    raw = struct.pack("@IIh16I", 0, 501, 3, *groups)
    assert len(raw) == trust.XUCRED.size == 76  # two pad bytes after the short
    assert trust.uid_from_xucred(raw) == 501
    with pytest.raises(OSError, match="xucred version 7"):
        trust.uid_from_xucred(struct.pack("@IIh16I", 7, 501, 0, *[0] * 16))


def test_peer_uid_of_a_real_connection_is_ours() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert trust.peer_uid(left) == os.getuid()


def _private(path: Path) -> Path:
    path.mkdir(mode=0o700)
    return path


def test_a_socket_of_ours_in_a_private_directory_is_trusted(tmp_path: Path) -> None:
    sock_path = _private(tmp_path / "d") / "agent.sock"
    listener = socket.socket(socket.AF_UNIX)
    with listener:
        listener.bind(str(sock_path))
        trust.check_socket(sock_path)  # trusted: no Untrusted raised
        sock_path.parent.chmod(0o750)  # the same socket, where the group may enter
        with pytest.raises(Untrusted, match="is open to others"):
            trust.check_socket(sock_path)


def test_nothing_there_is_absent_not_untrusted(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        trust.check_socket(tmp_path / "missing" / "agent.sock")
    with pytest.raises(FileNotFoundError):
        trust.check_socket(_private(tmp_path / "d") / "agent.sock")


def test_a_symlinked_directory_is_untrusted_even_when_it_points_at_ours(tmp_path: Path) -> None:
    real = _private(tmp_path / "real")
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(Untrusted, match="symlink"):
        trust.check_socket(tmp_path / "link" / "agent.sock")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(Untrusted, match="symlink"):
        trust.check_socket(tmp_path / "dangling" / "agent.sock")


def test_a_directory_open_to_others_is_untrusted(tmp_path: Path) -> None:
    shared = _private(tmp_path / "shared")
    shared.chmod(0o710)
    with pytest.raises(Untrusted, match="open to others"):
        trust.check_socket(shared / "agent.sock")


def test_something_else_at_the_socket_path_is_untrusted(tmp_path: Path) -> None:
    directory = _private(tmp_path / "d")
    (directory / "agent.sock").write_text("")
    with pytest.raises(Untrusted, match="not a socket"):
        trust.check_socket(directory / "agent.sock")
    (directory / "agent.sock").unlink()
    (directory / "agent.sock").symlink_to(tmp_path)
    with pytest.raises(Untrusted, match="not a socket"):
        trust.check_socket(directory / "agent.sock")


def test_relayed_lines_lose_control_characters_and_say_whose_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    log.relay(["awsmfa: note: \x1b[2K\rall fine\x07", "plain\x9b31m"])
    assert capsys.readouterr().err.splitlines() == [
        "awsmfa: agent: note: [2Kall fine",
        "awsmfa: agent: plain31m",
    ]


def test_the_client_runs_its_own_mfa_process_never_the_agents(tmp_path: Path) -> None:
    """A need_code naming a command (as an old or a fake agent might) runs nothing of it."""
    planted = tmp_path / "planted"
    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
        "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
        "mfa_process = echo 654321\n"
    )
    creds = tmp_path / "credentials"
    creds.write_text("[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n")
    environ = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(creds)}
    got = code_for_planted_need({"process": f"touch {planted}; echo 111111"}, environ)
    assert got == "654321"
    assert not planted.exists()
