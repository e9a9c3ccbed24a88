"""The agent's handler of `get` (agent/daemon/get.py) against a fake STS: which calls it makes,
what the cache keeps between requests, when it asks the client for a code, and the
requests it refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awsmfa_exec.agent.daemon.get import HeldKeys, handle_get
from awsmfa_exec.agent.protocol import Message, ProtocolError
from awsmfa_exec.chain.cache import Cache, Caller
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.options import Options
from tests.support.aws_files import ACCOUNT, CODE, LANDING_KEY_ID, SERIAL, AwsFiles
from tests.support.fake_sts import FakeSts

NEXT_CODE = "654321"


class Client:
    """The client's end of the conversation: the codes it gives, in order, and each ask."""

    def __init__(self, *codes: str) -> None:
        self.codes = list(codes)
        self.asked: list[tuple[str | None, str, str | None]] = []

    def __call__(self, serial: str | None, profile: str, why: str | None) -> str:
        self.asked.append((serial, profile, why))
        return self.codes.pop(0)


def no_root(what: str, profile: str) -> Credentials:
    raise AssertionError(f"{profile}: nothing ({what}) for the client to fetch")


def get_message(aws_files: AwsFiles, profile: str, **extra: Any) -> Message:
    return {
        "op": "get",
        "profile": profile,
        "files": [str(aws_files.config), str(aws_files.credentials)],
        "options": {},
        "margin": 0,
        "environ": {},
        **extra,
    }


@pytest.fixture
def agent(aws_files: AwsFiles, fake_sts: FakeSts) -> Callable[..., Message]:
    """`get` as one agent answers it: one cache and one keyring hold across the calls."""
    cache, keys = Cache(), HeldKeys()

    def get(profile: str, client: Client, **extra: Any) -> Message:
        message = get_message(aws_files, profile, **extra)
        return handle_get(message, cache, keys, client, Caller(), no_root)

    return get


def test_a_role_gets_an_mfa_session_then_the_role_asking_the_client_once(
    agent: Callable[..., Message], fake_sts: FakeSts
) -> None:
    client = Client(CODE)
    answer = agent("dev", client)
    assert answer["type"] == "credentials"
    assert (answer["profile"], answer["region"]) == ("dev", "eu-central-1")
    assert client.asked == [(SERIAL, "dev", None)]
    session, role = fake_sts.calls
    assert (session.action, session.signed_by, session.code) == (
        "GetSessionToken",
        LANDING_KEY_ID,
        CODE,
    )
    assert (role.action, role.target, role.code) == (
        "AssumeRole",
        f"arn:aws:iam::{ACCOUNT}:role/dev",
        None,
    )
    assert role.signed_by == "ASIASESSION00000001"
    assert answer["credentials"]["AccessKeyId"] == "ASIAROLE00000002"


def test_the_store_serves_the_role_again_and_the_session_to_other_roles(
    agent: Callable[..., Message], fake_sts: FakeSts
) -> None:
    agent("dev", Client(CODE))
    again = agent("dev", Client())
    assert again["credentials"]["AccessKeyId"] == "ASIAROLE00000002"
    prod = agent("prod", Client())  # no code left to give: none must be asked
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    assert prod["region"] == "us-east-2"


def test_an_edited_chain_is_never_served_stale(
    agent: Callable[..., Message], fake_sts: FakeSts, aws_files: AwsFiles
) -> None:
    agent("dev", Client(CODE))
    config = aws_files.config.read_text().replace("role/dev\n", "role/dev-2\n")
    aws_files.config.write_text(config)
    agent("dev", Client())
    assert fake_sts.calls[-1].target == f"arn:aws:iam::{ACCOUNT}:role/dev-2"


def test_a_rejected_code_asks_the_client_again_saying_why(
    agent: Callable[..., Message], fake_sts: FakeSts
) -> None:
    fake_sts.rejected.add(CODE)
    client = Client(CODE, NEXT_CODE)
    agent("dev", client)
    assert [why for _, _, why in client.asked] == [None, f"STS rejected the MFA code {CODE}"]
    assert [call.code for call in fake_sts.calls] == [CODE, NEXT_CODE, None]


def test_without_a_session_each_role_asks_for_its_own_code(
    agent: Callable[..., Message], fake_sts: FakeSts
) -> None:
    """--no-session: AssumeRole with the code, nothing held that another role could use."""
    client = Client(CODE, NEXT_CODE)
    agent("dev", client, options={"no_session": True})
    agent("prod", client, options={"no_session": True})
    assert fake_sts.actions() == ["AssumeRole", "AssumeRole"]
    assert [call.code for call in fake_sts.calls] == [CODE, NEXT_CODE]
    assert [profile for _, profile, _ in client.asked] == ["dev", "prod"]


def test_the_clients_options_and_endpoint_shape_the_calls(
    agent: Callable[..., Message], fake_sts: FakeSts
) -> None:
    environ = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    answer = agent("dev", Client(CODE), options={"region": "ap-south-1"}, environ=environ)
    assert answer["region"] == "ap-south-1"
    assert {call.url for call in fake_sts.calls} == {"http://127.0.0.1:9"}


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("environ", {"AWS_REGION": 1}, "environ must map strings to strings"),
        ("environ", None, "environ must map strings to strings"),
        ("files", ["/only/one"], "files must be the config and credentials paths"),
        ("margin", -1, "margin must be a whole number of seconds"),
        ("margin", True, "margin must be a whole number of seconds"),
    ],
)
def test_a_malformed_request_is_a_protocol_error(
    agent: Callable[..., Message], fake_sts: FakeSts, field: str, value: object, complaint: str
) -> None:
    with pytest.raises(ProtocolError, match=complaint):
        agent("dev", Client(CODE), **{field: value})
    assert fake_sts.calls == []


def test_files_are_parsed_once_until_they_change(aws_files: AwsFiles, tmp_path: Path) -> None:
    from awsmfa_exec.config import parsed
    from awsmfa_exec.files import Files

    files = Files(aws_files.config, aws_files.credentials)
    first = parsed(files)
    assert parsed(files) is first
    aws_files.config.write_text(aws_files.config.read_text() + "\n[profile extra]\nregion = x\n")
    assert parsed(files) is not first


@pytest.mark.parametrize(
    "options",
    [Options(), Options(3600, "eu-west-1", True), Options(None, "ap-south-1"), Options(7200)],
)
def test_options_cross_the_socket_unchanged(options: Options) -> None:
    assert Options.from_wire(json.loads(json.dumps(options.to_wire()))) == options
