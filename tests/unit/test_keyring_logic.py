"""The pure parts of the keyring work: line edits of the AWS files, resolution of a profile
whose keys are in the keyring (a fake keyring), the backend refusal, and the rotation steps
against a fake account."""

from __future__ import annotations

import configparser
import re
import stat
from pathlib import Path

import pytest

from awsmfa_exec import file_edit, keystore
from awsmfa_exec.commands.rotate import rotate, user_name
from awsmfa_exec.config import Files, resolve
from awsmfa_exec.credentials import Credentials, mask_key_id
from awsmfa_exec.errors import AuthError, ConfigError

FILES = Files(Path("/c/config"), Path("/c/credentials"))
OLD = Credentials("AKIAOLDOLDOLDOLD0001", "old-secret-old-secret-old")
NEW = Credentials("AKIANEWNEWNEWNEW0002", "new-secret-new-secret-new")
ARN = "arn:aws:iam::123456789012:user/team/alice"

CREDENTIALS = """\
# top comment
[landing]
aws_access_key_id = AKIAOLDOLDOLDOLD0001
; a comment inside
aws_secret_access_key = old-secret
region = eu-west-1

[other]
aws_access_key_id = AKIAOTHER
aws_secret_access_key = other
"""


def test_remove_keys_keeps_every_other_line() -> None:
    edited = file_edit.remove_keys(
        CREDENTIALS,
        file_edit.credentials_section("landing"),
        {"aws_access_key_id", "aws_secret_access_key"},
    )
    assert edited == CREDENTIALS.replace("aws_access_key_id = AKIAOLDOLDOLDOLD0001\n", "").replace(
        "aws_secret_access_key = old-secret\n", ""
    )


def test_a_section_left_empty_loses_its_header() -> None:
    text = "[a]\naws_access_key_id = X\naws_secret_access_key = Y\n\n[b]\nk = v\n"
    keys = {"aws_access_key_id", "aws_secret_access_key"}
    assert file_edit.remove_keys(text, file_edit.credentials_section("a"), keys) == "[b]\nk = v\n"


def test_continuation_lines_go_with_their_key() -> None:
    text = "[profile x]\ns3 =\n  max_concurrent_requests = 10\nregion = r\n"
    x = file_edit.config_section("x")
    assert file_edit.remove_keys(text, x, {"s3"}) == "[profile x]\nregion = r\n"
    assert file_edit.remove_keys(text, x, {"max_concurrent_requests"}) == text


def test_set_key_replaces_appends_or_makes_the_section() -> None:
    text = "[default]\nregion = a\n\n[profile dev]\nrole_arn = r\n"
    names = file_edit.config_section("default")
    assert file_edit.set_key(text, names, "region", "b") == text.replace("region = a", "region = b")
    assert file_edit.set_key(text, names, "k", "v") == text.replace("a\n", "a\nk = v\n", 1)
    made = file_edit.set_key(text, file_edit.config_section("new"), "k", "v")
    assert made == text + "\n[profile new]\nk = v\n"
    assert file_edit.value_of(made, file_edit.config_section("new"), "k") == "v"
    parsed = configparser.RawConfigParser()
    parsed.read_string(made)
    assert parsed.get("profile new", "k") == "v"


def test_sections_are_found_as_botocore_names_them() -> None:
    text = '[profile "ci x"]\nregion = a\n[default]  (landing keys)\nk: v\n  [other]\n'
    assert file_edit.value_of(text, file_edit.config_section("ci x"), "region") == "a"
    assert file_edit.value_of(text, file_edit.config_section("default"), "k") == "v"
    made = file_edit.set_key("", file_edit.config_section("a'b c"), "k", "v")
    assert made == "[profile 'a'\"'\"'b c']\nk = v\n"
    assert file_edit.config_section("a'b c").holds(made.splitlines()[0][1:-1])


def _rewrite(*edits: file_edit.Edit) -> None:
    with file_edit.rewriting(edits):
        pass


def test_rewriting_keeps_the_mode_and_follows_a_link(tmp_path: Path) -> None:
    tmp_path = tmp_path / "aws"
    tmp_path.mkdir()
    real = tmp_path / "real"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "credentials"
    link.symlink_to(real)
    _rewrite(file_edit.Edit(link, "new"))
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials", "real"]
    fresh = tmp_path / "made" / "config"
    _rewrite(file_edit.Edit(fresh, "x"))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    _rewrite(file_edit.Edit(real, "secret", private=True))
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_a_failure_in_the_block_renames_nothing_and_leaves_no_temporary(tmp_path: Path) -> None:
    tmp_path = tmp_path / "aws"
    tmp_path.mkdir()
    first, second = tmp_path / "credentials", tmp_path / "config"
    first.write_text("old 1")
    second.write_text("old 2")
    edits = [file_edit.Edit(first, "new 1"), file_edit.Edit(second, "new 2")]
    seen: list[str] = []

    def refused() -> None:
        with file_edit.rewriting(edits) as made:
            seen.extend(p.read_text() for p in made)
            raise ConfigError("refused")

    with pytest.raises(ConfigError):
        refused()
    assert seen == ["new 1", "new 2"]
    assert (first.read_text(), second.read_text()) == ("old 1", "old 2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "credentials"]


def _resolve(profiles: dict[str, dict[str, str]], name: str = "dev") -> Credentials:
    return resolve(name, profiles, FILES, {}, keys_from=lambda _: OLD).source.credentials


def test_a_marked_profile_takes_its_keys_from_the_keyring() -> None:
    profiles = {
        "landing": {"awsmfa_keys": "keyring", "mfa_serial": "arn"},
        "dev": {"role_arn": "arn:aws:iam::1:role/dev", "source_profile": "landing"},
    }
    assert _resolve(profiles) == OLD
    chain = resolve("dev", profiles, FILES, {}, keys_from=lambda _: OLD)
    assert chain.source.origin == "keyring"
    assert chain.mfa_serial == "arn"


def test_keys_in_both_places_or_an_unknown_mark_are_errors() -> None:
    both = {
        "landing": {
            "awsmfa_keys": "keyring",
            "aws_access_key_id": "A",
            "aws_secret_access_key": "B",
        }
    }
    with pytest.raises(ConfigError, match="keys in both the keyring and /c/credentials"):
        _resolve(both, "landing")
    with pytest.raises(ConfigError, match="awsmfa_keys = vault is not known"):
        _resolve({"landing": {"awsmfa_keys": "vault"}}, "landing")


@pytest.mark.parametrize(
    ("module", "usable"),
    [
        ("keyring.backends.SecretService", True),
        ("keyring.backends.macOS", True),
        ("keyring.backends.fail", False),
        ("keyring.backends.null", False),
        ("keyrings.alt.file", False),
        ("keyrings.alt.Gnome", False),
        ("keyring_insecure_backend", False),
    ],
)
def test_only_system_backends_are_used(module: str, usable: bool) -> None:
    backend = type("Keyring", (), {"__module__": module})()
    chainer = type("ChainerBackend", (), {"backends": [backend]})()
    assert bool(keystore._system_backends(backend)) is usable
    assert bool(keystore._system_backends(chainer)) is usable


class FakeAccount:
    """IAM and a keyring in memory; each step named in `fail` refuses (a keyring write
    lands before its read-back refuses, as a D-Bus hiccup does)."""

    def __init__(self, *fail: str) -> None:
        self.fail = set(fail)
        self.live = {OLD.access_key_id}
        self.stored = OLD
        self.steps: list[str] = []

    def _maybe_fail(self, step: str) -> None:
        self.steps.append(step)
        if step in self.fail:
            raise AuthError(f"{step} refused")

    def _which(self, key_id: str) -> str:
        return "new" if key_id == NEW.access_key_id else "old"

    def identity(self, keys: Credentials) -> str:
        self._maybe_fail(f"identity-{self._which(keys.access_key_id)}")
        return ARN

    def create(self, user: str) -> Credentials:
        assert user == "alice"
        self._maybe_fail("create")
        self.live.add(NEW.access_key_id)
        return NEW

    def delete(self, user: str, key_id: str) -> None:
        self._maybe_fail(f"delete-{self._which(key_id)}")
        self.live.discard(key_id)

    def store(self, keys: Credentials) -> None:
        self.stored = keys
        self._maybe_fail(f"store-{self._which(keys.access_key_id)}")

    def held(self) -> Credentials | None:
        return self.stored


def test_a_rotation_creates_checks_stores_then_deletes() -> None:
    account = FakeAccount()
    assert rotate(account, OLD, pause=0) == NEW
    assert account.steps == ["identity-old", "create", "identity-new", "store-new", "delete-old"]
    assert (account.live, account.stored) == ({NEW.access_key_id}, NEW)


OLD_SHOWN, NEW_SHOWN = mask_key_id(OLD.access_key_id), mask_key_id(NEW.access_key_id)


@pytest.mark.parametrize(
    ("fail", "live", "stored", "says"),
    [
        (["create"], {OLD.access_key_id}, OLD, f"the live key is still {OLD_SHOWN}, in the"),
        (
            ["store-new"],
            {OLD.access_key_id},
            OLD,
            f"the new key was deleted, the live key is still {OLD_SHOWN}, in the keyring",
        ),
        (
            ["store-new", "delete-new"],
            {OLD.access_key_id, NEW.access_key_id},
            OLD,
            f"the live key is still {OLD_SHOWN}, in the keyring; the new key {NEW_SHOWN} could",
        ),
        (
            ["store-new", "store-old"],
            {OLD.access_key_id, NEW.access_key_id},
            OLD,  # as far as the keyring says: both keys stay live, and the message says so
            f"the old key {OLD_SHOWN} could not be put back",
        ),
        (["delete-old"], {OLD.access_key_id, NEW.access_key_id}, NEW, "is live and in the"),
    ],
)
def test_a_failed_step_leaves_a_working_key_and_names_it(
    fail: list[str], live: set[str], stored: Credentials, says: str
) -> None:
    account = FakeAccount(*fail)
    with pytest.raises(AuthError, match=re.escape(says)) as raised:
        rotate(account, OLD, pause=0)
    assert (account.live, account.stored) == (live, stored)
    for secret in (OLD.secret_access_key, NEW.secret_access_key):
        assert secret not in raised.value.message
    for key_id in (OLD.access_key_id, NEW.access_key_id):
        assert key_id not in raised.value.message  # masked


def test_a_new_key_that_never_works_is_deleted_again() -> None:
    account = FakeAccount("identity-new")
    with pytest.raises(AuthError, match="the new key was deleted"):
        rotate(account, OLD, pause=0)
    assert account.live == {OLD.access_key_id}
    assert account.steps.count("identity-new") == 10


def test_only_an_iam_user_can_rotate() -> None:
    assert user_name(ARN) == "alice"
    with pytest.raises(ConfigError, match="not to an IAM user"):
        user_name("arn:aws:sts::1:assumed-role/dev/x")
