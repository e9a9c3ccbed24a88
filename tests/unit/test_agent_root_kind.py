"""The agent remembers whether a root botocore resolves gave temporary credentials, and
plans the next chain on that root without fetching it (agent/daemon/get.py,
chain/steps.credentials), against a fake STS and a fake client that hands out the root's
credentials and counts each time it is asked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from awsmfa_exec.agent.daemon.get import HeldKeys, handle_get
from awsmfa_exec.agent.protocol import Message
from awsmfa_exec.chain.cache import Cache, Caller
from awsmfa_exec.credentials import Credentials
from tests.support.aws_files import ACCOUNT, CODE, LANDING_KEY_ID, LANDING_SECRET, SERIAL, AwsFiles
from tests.support.fake_sts import FakeSts
from tests.unit.test_agent_get import Client, get_message

LONG_TERM = Credentials(LANDING_KEY_ID, LANDING_SECRET)
TEMPORARY = Credentials("ASIAROOTSESSION00001", "secret", "token")


def role(name: str, extra: str = "") -> str:
    return (
        f"\n[profile {name}]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/{name}\n"
        f"source_profile = root\nmfa_serial = {SERIAL}\n{extra}"
    )


# hop3's own mfa_session_duration keys its MFA session apart from the one hop and hop2
# share: asking for it needs the root again.
CONFIG = (
    "[profile root]\ncredential_process = op plugin run -- aws-credentials\n"
    + role("hop")
    + role("hop2")
    + role("hop3", "mfa_session_duration = 7200\n")
)


class Root:
    """The client's answer to `need_root`: the credentials its process prints now."""

    def __init__(self, gives: Credentials) -> None:
        self.gives = gives
        self.asked: list[str] = []

    def __call__(self, what: str, profile: str) -> Credentials:
        assert what == "need_root"
        self.asked.append(profile)
        return self.gives


Get = Callable[[str, Client], Message]


@pytest.fixture
def store() -> Cache:
    return Cache()


@pytest.fixture
def root() -> Root:
    return Root(LONG_TERM)


@pytest.fixture
def agent(aws_files: AwsFiles, store: Cache, root: Root) -> Get:
    """`get` as one agent answers it, for the root above and hops on it."""
    aws_files.write(CONFIG, "")
    keys = HeldKeys()

    def get(profile: str, client: Client) -> Message:
        message = get_message(aws_files, profile)
        return handle_get(message, store, keys, client, Caller(), root)

    return get


def test_unknown_the_root_is_fetched_first_and_its_kind_remembered(
    agent: Get, root: Root, fake_sts: FakeSts
) -> None:
    """Nothing remembered yet: as before, the root first, then the plan for its keys."""
    agent("hop", Client(CODE))
    assert root.asked == ["hop"]
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole"]
    assert fake_sts.calls[0].signed_by == LANDING_KEY_ID


def test_long_term_remembered_a_held_mfa_session_serves_without_the_root(
    agent: Get, root: Root, fake_sts: FakeSts
) -> None:
    agent("hop", Client(CODE))
    agent("hop2", Client())  # no code to give: none may be asked
    assert root.asked == ["hop"]  # not fetched for hop2
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    assert fake_sts.calls[2].signed_by == "ASIASESSION00000001"


def test_a_root_that_now_gives_temporary_credentials_gets_the_chain_rebuilt(
    agent: Get, root: Root, fake_sts: FakeSts
) -> None:
    """Remembered long-term, the process now prints a session: no GetSessionToken with it,
    the code goes on the AssumeRole, and the root is asked once."""
    agent("hop", Client(CODE))
    root.gives, root.asked = TEMPORARY, []
    answer = agent("hop3", Client(CODE))
    assert root.asked == ["hop3"]
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    last = fake_sts.calls[-1]
    assert (last.signed_by, last.code) == (TEMPORARY.access_key_id, CODE)
    assert answer["credentials"]["AccessKeyId"] == "ASIAROLE00000003"


def test_a_root_that_now_gives_long_term_keys_gets_the_mfa_session(
    agent: Get, root: Root, fake_sts: FakeSts
) -> None:
    root.gives = TEMPORARY
    agent("hop", Client(CODE))
    assert fake_sts.actions() == ["AssumeRole"]
    root.gives, root.asked = LONG_TERM, []
    agent("hop2", Client(CODE))
    assert root.asked == ["hop2"]
    session, hop2 = fake_sts.calls[1:]
    assert (session.action, session.signed_by, session.code) == (
        "GetSessionToken",
        LANDING_KEY_ID,
        CODE,
    )
    assert (hop2.action, hop2.signed_by, hop2.code) == ("AssumeRole", "ASIASESSION00000002", None)


def test_each_fetch_is_remembered_so_the_switch_is_made_once(
    agent: Get, root: Root, fake_sts: FakeSts
) -> None:
    """After the switch to temporary, the next role is planned for temporary keys at once."""
    agent("hop", Client(CODE))
    root.gives = TEMPORARY
    agent("hop3", Client(CODE))
    agent("hop2", Client(CODE))  # planned for temporary keys: the held MFA session unused
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole", "AssumeRole"]
    assert fake_sts.calls[-1].signed_by == TEMPORARY.access_key_id
    assert root.asked == ["hop", "hop3", "hop2"]


@pytest.mark.parametrize("profile", [None, "elsewhere"])
def test_clear_forgets_what_each_root_gave(store: Cache, profile: str | None) -> None:
    root = ("root", "process", "vault", "0123")
    assert store.root_temporary(root) is None
    store.remember_root(root, False)
    assert store.root_temporary(root) is False
    store.clear(profile)
    assert store.root_temporary(root) is None


def test_after_clear_the_root_is_fetched_first_again(
    agent: Get, root: Root, store: Cache, fake_sts: FakeSts
) -> None:
    agent("hop", Client(CODE))
    store.clear(None)
    root.gives = TEMPORARY
    agent("hop2", Client(CODE))
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]
    assert fake_sts.calls[-1].signed_by == TEMPORARY.access_key_id
