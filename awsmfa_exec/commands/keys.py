"""`awsmfa add`, `remove` and `import`: a profile's long-term keys into and out of the keyring.

What changes in the AWS files, and nothing else:
- the keyring gets one entry per profile (service `awsmfa`, the profile's name);
- `~/.aws/config` gets `awsmfa_keys = keyring` in the profile's section, and unless
  `--no-credential-process`, `credential_process = awsmfa env PROFILE --shell json`, so
  the AWS CLI and SDKs used without awsmfa get an MFA session from awsmfa instead;
- `import` removes `aws_access_key_id` and `aws_secret_access_key` from the profile's
  section of `~/.aws/credentials` (and of `~/.aws/config`, where botocore allows them too).
Files are rewritten atomically with their own mode; no copy of the old content is kept.
"""

from __future__ import annotations

import contextlib
import getpass
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from awsmfa_exec import file_edit, keystore, log
from awsmfa_exec.config import KEYS_MARK, Files, Profiles, in_keyring, load_profiles
from awsmfa_exec.credentials import Credentials, mask_key_id
from awsmfa_exec.errors import ConfigError, UsageError

KEY_LINES = {"aws_access_key_id", "aws_secret_access_key"}
_KEY_ID = re.compile(r"[A-Z0-9]{16,128}\Z")
_SECRET = re.compile(r"\S{16,}\Z")


def credential_process_line(profile: str) -> str:
    return f"awsmfa env {profile} --shell json"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def mark(files: Files, profile: str, credential_process: bool) -> None:
    """Mark `profile` in the config as keeping its keys in the keyring."""
    names = file_edit.config_sections(profile)
    before = _read(files.config)
    text = file_edit.set_key(before, names, KEYS_MARK, "keyring")
    if credential_process:
        current = file_edit.value_of(text, names, "credential_process")
        if current is None:
            text = file_edit.set_key(
                text, names, "credential_process", credential_process_line(profile)
            )
            log.note(
                f"{profile}: credential_process = {credential_process_line(profile)} set in "
                f"{files.config}, for tools used without awsmfa"
            )
        elif current != credential_process_line(profile):
            log.note(f"{profile}: its own credential_process in {files.config} is kept")
    if text != before:
        file_edit.replace_file(files.config, text)


def unmark(files: Files, profile: str) -> None:
    """Take back what `mark` wrote: the mark, and the credential_process awsmfa set."""
    names = file_edit.config_sections(profile)
    before = _read(files.config)
    owned = {KEYS_MARK}
    if file_edit.value_of(before, names, "credential_process") == credential_process_line(profile):
        owned.add("credential_process")
    text = file_edit.remove_keys(before, names, owned)
    if text != before:
        file_edit.replace_file(files.config, text)


def forget_in_agent(environ: Mapping[str, str], profile: str) -> None:
    """Have a running agent drop what it read from the keyring and made with `profile`'s
    old keys; it reads the keyring again on the next request."""
    from awsmfa_exec import agent

    if not agent.enabled(environ):
        return
    from awsmfa_exec.agent.client import request
    from awsmfa_exec.agent.paths import Untrusted, socket_path
    from awsmfa_exec.agent.protocol import ProtocolError

    with contextlib.suppress(Untrusted, OSError, ProtocolError):
        request(socket_path(environ), {"op": "clear", "profile": profile})


def _check(keys: Credentials) -> Credentials:
    if not _KEY_ID.match(keys.access_key_id):
        raise UsageError("the access key id must be 16 or more capital letters and digits")
    if not _SECRET.match(keys.secret_access_key):
        raise UsageError("the secret access key must be 16 or more characters, no spaces")
    return keys


def read_keys() -> Credentials:
    """The key id and secret from the terminal (the secret not echoed), else two lines of
    stdin."""
    if sys.stdin.isatty():
        sys.stderr.write("Access key ID: ")
        sys.stderr.flush()
        key_id = sys.stdin.readline().strip()
        secret = getpass.getpass("Secret access key: ").strip()
    else:
        key_id, secret = sys.stdin.readline().strip(), sys.stdin.readline().strip()
    if not key_id or not secret:
        raise UsageError("give the access key id and the secret access key, one a line")
    return _check(Credentials(key_id, secret))


def _file_keys(values: Mapping[str, object]) -> bool:
    return any(values.get(key) for key in KEY_LINES)


def run_add(profile: str, keys: Credentials, environ: Mapping[str, str], cp: bool) -> None:
    files = Files.from_environ(environ)
    values = load_profiles(files).get(profile, {})
    if _file_keys(values):
        raise ConfigError(
            f"profile {profile} has keys in {files.credentials}; "
            f"`awsmfa import {profile}` moves them into the keyring"
        )
    if values.get("role_arn"):
        raise ConfigError(f"profile {profile} is a role (role_arn); add keys to its source")
    keystore.write(profile, keys)
    mark(files, profile, cp)
    forget_in_agent(environ, profile)
    log.note(f"{profile}: key {mask_key_id(keys.access_key_id)} is in the keyring")


def run_remove(profile: str, environ: Mapping[str, str]) -> None:
    files = Files.from_environ(environ)
    deleted = keystore.delete(profile)
    marked = in_keyring(load_profiles(files).get(profile, {}))
    if not deleted and not marked:
        raise ConfigError(f"the keyring holds no keys for profile {profile}")
    unmark(files, profile)
    forget_in_agent(environ, profile)
    log.note(f"{profile}: keys removed from the keyring")


def _importable(profiles: Profiles, wanted: Sequence[str], files: Files) -> list[str]:
    if not wanted:
        return [name for name, values in sorted(profiles.items()) if _file_keys(values)]
    for name in wanted:
        if name not in profiles:
            raise ConfigError(f"profile {name!r} is not in {files.config} or {files.credentials}")
    return list(dict.fromkeys(wanted))


def _move(profile: str, values: Mapping[str, object], files: Files, cp: bool) -> None:
    key_id, secret = values.get("aws_access_key_id"), values.get("aws_secret_access_key")
    if values.get("aws_session_token"):
        raise ConfigError(
            f"profile {profile} holds temporary keys (aws_session_token); only long-term "
            "keys go into the keyring"
        )
    if not key_id or not secret:
        missing = "aws_secret_access_key" if key_id else "aws_access_key_id"
        raise ConfigError(f"profile {profile} has no {missing}; fix [{profile}] first")
    keys = Credentials(str(key_id), str(secret))
    keystore.write(profile, keys)
    if keystore.read(profile) != keys:
        raise ConfigError(
            f"the keyring did not keep the keys of {profile}; the files are unchanged"
        )
    mark(files, profile, cp)
    for path, names in (
        (files.credentials, file_edit.credentials_sections(profile)),
        (files.config, file_edit.config_sections(profile)),
    ):
        before = _read(path)
        after = file_edit.remove_keys(before, names, KEY_LINES)
        if after != before:
            file_edit.replace_file(path, after)
    log.note(f"{profile}: key {mask_key_id(keys.access_key_id)} moved into the keyring")


def run_import(wanted: Sequence[str], environ: Mapping[str, str], cp: bool) -> None:
    """Move keys from the files into the keyring; a profile already moved is left alone."""
    files = Files.from_environ(environ)
    profiles = load_profiles(files)
    keystore.backend()  # no usable keyring: say so before touching anything
    names = _importable(profiles, wanted, files)
    if not names:
        log.note(f"no keys to import in {files.credentials}")
    for name in names:
        values = profiles[name]
        if _file_keys(values):
            _move(name, values, files, cp)
            forget_in_agent(environ, name)
        elif in_keyring(values):
            log.note(f"{name}: keys already in the keyring")
        else:
            raise ConfigError(f"profile {name} has no keys in {files.credentials} to import")
