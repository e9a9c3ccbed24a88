"""Frames, socket paths and the client's side of a code conversation."""

from __future__ import annotations

import os
import socket
import struct
import threading
from pathlib import Path

import pytest

from awsmfa_exec.agent import client, enabled
from awsmfa_exec.agent.paths import check_dir, prepare_dir, socket_path
from awsmfa_exec.agent.protocol import ProtocolError, receive, send
from awsmfa_exec.errors import ConfigError, MfaCodeRejected
from awsmfa_exec.mfa import CodeWanted, Given, Refusing
from awsmfa_exec.request import Request


def test_frames_round_trip() -> None:
    left, right = socket.socketpair()
    with left, right:
        send(left, {"op": "status", "text": "é\n"})
        assert receive(right) == {"v": 1, "op": "status", "text": "é\n"}
        left.close()
        assert receive(right) is None


@pytest.mark.parametrize(
    "raw",
    [
        struct.pack(">I", 2) + b"{}",
        struct.pack(">I", 9) + b'{"v": 99}',
        struct.pack(">I", 2) + b"[]",
        struct.pack(">I", 1 << 30),
        struct.pack(">I", 10) + b"{",
    ],
)
def test_bad_frames_are_protocol_errors(raw: bytes) -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(raw)
        left.shutdown(socket.SHUT_WR)
        with pytest.raises(ProtocolError):
            receive(right)


def test_socket_path_precedence(tmp_path: Path) -> None:
    assert socket_path({"AWSMFA_AGENT_SOCK": str(tmp_path / "a.sock")}) == str(tmp_path / "a.sock")
    assert socket_path({"XDG_RUNTIME_DIR": "/run/user/7"}) == "/run/user/7/awsmfa/agent.sock"
    assert socket_path({}) == f"/tmp/awsmfa-{os.getuid()}/agent.sock"


def test_socket_dir_is_created_private_and_unsafe_ones_refused(tmp_path: Path) -> None:
    made = prepare_dir(tmp_path / "new" / "agent.sock")
    assert Path(made).stat().st_mode & 0o777 == 0o700
    (tmp_path / "open").mkdir()
    (tmp_path / "open").chmod(0o755)
    with pytest.raises(ConfigError, match="open to others"):
        check_dir(tmp_path / "open")
    (tmp_path / "link").symlink_to(made)
    with pytest.raises(ConfigError, match="symlink"):
        check_dir(tmp_path / "link")


def test_agent_off_values() -> None:
    assert enabled({})
    assert not enabled({"AWSMFA_AGENT": "off"})
    assert not enabled({"AWSMFA_AGENT": "0"})


def test_code_environment_variable_is_never_sent() -> None:
    sent = client._shaping({"AWSMFA_TOKEN_CODE": "123456", "AWS_REGION": "x", "HOME": "/h"})
    assert sent == {"AWS_REGION": "x"}


def test_a_rejected_given_code_is_not_retried() -> None:
    """The agent reports STS's rejection as another need_code; a given code cannot change."""
    mine, agents = socket.socketpair()
    codes: list[object] = []

    def agent() -> None:
        send(agents, {"type": "need_code", "serial": "arn:mfa", "profile": "dev"})
        codes.append((receive(agents) or {}).get("code"))
        send(agents, {"type": "need_code", "serial": "arn:mfa", "rejected": "STS rejected it"})
        codes.append(receive(agents))

    thread = threading.Thread(target=agent)
    thread.start()
    talk = client._Conversation(mine, Request("dev"), {}, Given("123456", "--token-code"))
    with pytest.raises(MfaCodeRejected, match="STS rejected it"):
        talk.answer_code(talk.next())
    mine.close()
    thread.join(timeout=5)
    agents.close()
    assert codes == ["123456", None]


def test_a_get_carries_the_refresh_margin() -> None:
    assert client._get(Request("dev"), {})["margin"] == 300
    assert client._get(Request("dev"), {"AWSMFA_REFRESH_MARGIN": "3600"})["margin"] == 3600


def test_a_refresh_gives_no_code() -> None:
    mine, agents = socket.socketpair()
    with mine, agents:
        send(agents, {"type": "need_code", "serial": "arn:mfa", "profile": "dev"})
        talk = client._Conversation(mine, Request("dev"), {}, Refusing())
        with pytest.raises(CodeWanted):
            talk.answer_code(talk.next())


def test_a_refresh_starts_no_agent(tmp_path: Path) -> None:
    path = tmp_path / "agent" / "agent.sock"
    environ = {"AWSMFA_AGENT_SOCK": str(path)}
    assert client.through_agent(Request("dev"), environ, Refusing(), start=False) is None
    assert not path.exists()
