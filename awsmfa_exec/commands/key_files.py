"""What the keyring commands change in the AWS files, checked as botocore reads them: the
new text must read as the old one with exactly `wanted` applied (a value, or None for gone)
and every other setting of every profile unchanged, or nothing changes.
"""

from __future__ import annotations

import contextlib
import copy
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore import configloader
from botocore.exceptions import ConfigNotFound, ConfigParseError

from awsmfa_exec import file_edit
from awsmfa_exec.config import KEYS_MARK
from awsmfa_exec.errors import ConfigError

KEY_LINES = ("aws_access_key_id", "aws_secret_access_key")
Wanted = Mapping[str, str | None]


def credential_process_line(profile: str) -> str:
    """Run by the AWS CLI and SDKs: botocore splits it with shlex, the Go, JS and Java SDKs
    give it to `sh -c`; a quoted name is the name for both."""
    return f"awsmfa env {shlex.quote(profile)} --shell json"


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


@dataclass(frozen=True)
class Change:
    path: Path
    config: bool  # ~/.aws/config's naming of sections
    text: str
    wanted: Wanted
    private: bool = False  # the new text holds a secret the old one did not


def marked(text: str, profile: str, cp: bool, config: Path) -> tuple[str, Wanted, str | None]:
    """The config with `profile` marked as keeping its keys in the keyring and, when `cp`
    and it has none of its own, the credential_process that runs awsmfa; what that changes,
    and what to say of credential_process once the config is in place."""
    section = file_edit.config_section(profile)
    text = file_edit.set_key(text, section, KEYS_MARK, "keyring")
    wanted: dict[str, str | None] = {KEYS_MARK: "keyring"}
    line = credential_process_line(profile)
    current = file_edit.value_of(text, section, "credential_process")
    if not cp or current == line:
        return text, wanted, None
    if current is not None:
        return text, wanted, f"{profile}: its own credential_process in {config} is kept"
    wanted["credential_process"] = line
    text = file_edit.set_key(text, section, "credential_process", line)
    said = f"{profile}: credential_process = {line} set in {config}, for tools used without awsmfa"
    return text, wanted, said


def unmarked(text: str, profile: str) -> tuple[str, Wanted]:
    """The config without what `marked` wrote (the line of older versions, unquoted, too)."""
    section = file_edit.config_section(profile)
    owned = {KEYS_MARK}
    ours = {credential_process_line(profile), f"awsmfa env {profile} --shell json"}
    if file_edit.value_of(text, section, "credential_process") in ours:
        owned.add("credential_process")
    return file_edit.remove_keys(text, section, owned), dict.fromkeys(owned)


def _view(path: Path, config: bool) -> dict[str, Any]:
    """One file as botocore reads it: its profiles (no empty ones) and other sections."""
    try:
        raw = configloader.raw_config_parse(str(path))
    except ConfigNotFound:
        raw = {}
    except ConfigParseError:
        return {"malformed": True}
    view = configloader.build_profile_map(raw) if config else {"profiles": raw}
    view["profiles"] = {name: values for name, values in view["profiles"].items() if values}
    return view


def _expected(view: dict[str, Any], profile: str, wanted: Wanted) -> dict[str, Any]:
    expected = copy.deepcopy(view)
    profiles = expected.setdefault("profiles", {})
    values = {k: v for k, v in {**profiles.pop(profile, {}), **wanted}.items() if v is not None}
    if values:
        profiles[profile] = values
    return expected


def _difference(expected: dict[str, Any], got: dict[str, Any]) -> str:
    """Which setting differs, by name only (values may be secrets)."""
    if "malformed" in got:
        return "the result does not parse"
    want, have = expected.get("profiles", {}), got.get("profiles", {})
    for name in sorted(set(want) | set(have), key=str):
        a, b = want.get(name, {}), have.get(name, {})
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return f"{key} of profile {name} would not be as intended"
    return "a section other than the profiles' would change"


@contextlib.contextmanager
def changing(profile: str, changes: Sequence[Change]) -> Iterator[None]:
    """Write each change beside its file and check it as botocore reads it; the block then
    does what goes with it (the keyring), and the files are renamed into place in the order
    given. A change whose file already reads as wanted is no edit, but is checked too."""
    edits = [c for c in changes if c.text != read(c.path)]
    with file_edit.rewriting([file_edit.Edit(c.path, c.text, c.private) for c in edits]) as made:
        written = dict(zip((id(c) for c in edits), made, strict=True))
        for change in changes:
            got = _view(written.get(id(change), change.path), change.config)
            expected = _expected(_view(change.path, change.config), profile, change.wanted)
            if got != expected:
                raise ConfigError(
                    f"awsmfa cannot edit {change.path} for profile {profile} so that botocore "
                    f"reads it as meant ({_difference(expected, got)}); nothing was changed: "
                    "edit the file by hand"
                )
        yield
