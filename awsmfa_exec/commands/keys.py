"""`awsmfa add`, `remove`, `import` and `restore`: a profile's long-term keys into and out of
the keyring (one entry per profile name, which records the credentials file it is for), and
the lines that say so in the AWS files (docs/keyring.md). Each run holds the files' lock
(`file_edit.locked`), checks the new texts as botocore reads them (`key_files.changing`),
then renames them into place with their own mode and group.
"""

from __future__ import annotations

import contextlib
import getpass
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from awsmfa_exec import file_edit, keystore, log
from awsmfa_exec.commands.key_files import KEY_LINES, Change, changing, marked, read, unmarked
from awsmfa_exec.config import (
    Files,
    Profiles,
    in_keyring,
    load_profiles,
    static_keys,
    unknown_profile,
)
from awsmfa_exec.credentials import Credentials, mask_key_id
from awsmfa_exec.errors import AwsmfaError, ConfigError, UsageError

_KEY_ID = re.compile(r"[A-Z0-9]{16,128}\Z")
_SECRET = re.compile(r"\S{16,}\Z")


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
    if not _KEY_ID.match(key_id):
        raise UsageError("the access key id must be 16 or more capital letters and digits")
    if not _SECRET.match(secret):
        raise UsageError("the secret access key must be 16 or more characters, no spaces")
    return Credentials(key_id, secret)


def _file_keys(values: Mapping[str, object]) -> bool:
    return any(values.get(key) for key in KEY_LINES)


def _claim(profile: str, keys: Credentials, files: Files) -> bool:
    """Refuse to write over the keyring entry another set of AWS files keeps for a profile
    of the same name (the same keys, or this file set's own entry, may be written again);
    whether the keyring holds no entry for it yet."""
    held = keystore.origin(profile)
    if held is not None and held[1] != str(files.credentials) and held[0] != keys:
        raise ConfigError(
            f"the keyring already holds other keys for profile {profile}, kept for {held[1]}; "
            f"it keeps one entry a profile name: run `awsmfa restore {profile}` with those "
            "files first, or give this profile another name"
        )
    return held is None


def run_add(profile: str, keys: Credentials, environ: Mapping[str, str], cp: bool) -> None:
    files = Files.from_environ(environ)
    with file_edit.locked(files.config, files.credentials):
        values = load_profiles(files).get(profile, {})
        if _file_keys(values):
            raise ConfigError(
                f"profile {profile} has keys in {files.credentials}; "
                f"`awsmfa import {profile}` moves them into the keyring"
            )
        if values.get("role_arn"):
            raise ConfigError(f"profile {profile} is a role (role_arn); add keys to its source")
        _claim(profile, keys, files)
        text, wanted, said = marked(read(files.config), profile, cp, files.config)
        with changing(profile, [Change(files.config, True, text, wanted)]):
            keystore.write(profile, keys, str(files.credentials))
        if said:
            log.note(said)
    forget_in_agent(environ, profile)
    log.note(f"{profile}: key {mask_key_id(keys.access_key_id)} is in the keyring")


def _confirm(profile: str, keys: Credentials, files: Files) -> None:
    """Ask on the terminal before the only copy of the keys goes; refuse without one."""
    key = f"key {mask_key_id(keys.access_key_id)} of {profile}"
    back = f"`awsmfa restore {profile}` writes it back into {files.credentials}"
    try:
        # Unbuffered bytes: a terminal cannot seek, which buffered "r+" would demand.
        tty = open("/dev/tty", "r+b", buffering=0)  # noqa: SIM115, PTH123
    except OSError:
        raise UsageError(
            f"the keyring holds the only copy of {key}; {back}; "
            "give --force to delete it without asking"
        ) from None
    with tty:
        tty.write(f"Delete {key} from the keyring? It is the only copy ({back}). [y/N] ".encode())
        answer = tty.readline().decode("utf-8", "replace").strip().lower()
    if answer not in ("y", "yes"):
        raise AwsmfaError(f"{profile}: nothing removed")


def _unmark(profile: str, files: Files, *first: Change) -> None:
    """The config's mark taken away (renamed after the `first` changes), then the keyring
    entry deleted."""
    text, wanted = unmarked(read(files.config), profile)
    with changing(profile, [*first, Change(files.config, True, text, wanted)]):
        pass
    keystore.delete(profile)


def run_remove(profile: str, environ: Mapping[str, str], force: bool) -> None:
    files = Files.from_environ(environ)
    held = keystore.read(profile)
    if held is not None and not force:
        _confirm(profile, held, files)
    with file_edit.locked(files.config, files.credentials):
        if held is None and not in_keyring(load_profiles(files).get(profile, {})):
            raise ConfigError(f"the keyring holds no keys for profile {profile}")
        _unmark(profile, files)
    forget_in_agent(environ, profile)
    log.note(f"{profile}: keys removed from the keyring")


def run_restore(profile: str, environ: Mapping[str, str]) -> None:
    """The inverse of `import`: the keys back into the credentials file (owner-only), the
    config's mark taken away, then the keyring entry deleted."""
    files = Files.from_environ(environ)
    with file_edit.locked(files.config, files.credentials):
        profiles = load_profiles(files)
        if profile not in profiles:
            raise unknown_profile(profile, profiles, files)
        keys = keystore.read(profile)
        if keys is None or not in_keyring(profiles[profile]):
            raise ConfigError(f"profile {profile} keeps no keys in the keyring to restore")
        file_keys = [profiles[profile].get(key) for key in KEY_LINES]
        if any(file_keys) and file_keys != [keys.access_key_id, keys.secret_access_key]:
            raise ConfigError(f"profile {profile} has other keys in {files.credentials} already")
        section = file_edit.credentials_section(profile)
        keyed = dict(zip(KEY_LINES, (keys.access_key_id, keys.secret_access_key), strict=True))
        text = read(files.credentials)
        for key, value in keyed.items():
            text = file_edit.set_key(text, section, key, value)
        _unmark(profile, files, Change(files.credentials, False, text, keyed, private=True))
    forget_in_agent(environ, profile)
    log.note(
        f"{profile}: key {mask_key_id(keys.access_key_id)} is back in {files.credentials}, "
        "and no longer in the keyring"
    )


def _importable(profiles: Profiles, wanted: Sequence[str], files: Files) -> list[str]:
    if not wanted:
        return [name for name, values in sorted(profiles.items()) if _file_keys(values)]
    for name in wanted:
        if name not in profiles:
            raise unknown_profile(name, profiles, files)
    return list(dict.fromkeys(wanted))


def _file_credentials(profile: str, values: Mapping[str, Any]) -> Credentials | None:
    """The long-term keys the files hold for `profile`, if any."""
    if _file_keys(values) and values.get("aws_session_token"):
        raise ConfigError(
            f"profile {profile} holds temporary keys (aws_session_token); only long-term "
            "keys go into the keyring"
        )
    return static_keys(profile, values)


def _move(profile: str, keys: Credentials, files: Files, cp: bool) -> None:
    """The keys into the keyring, out of both files, the config marked. The credentials
    file is renamed first: a run killed between the renames leaves the keys in the keyring
    and in no file, and the next `import` of the profile marks the config."""
    fresh = _claim(profile, keys, files)
    gone = dict.fromkeys(KEY_LINES)
    credentials = file_edit.remove_keys(
        read(files.credentials), file_edit.credentials_section(profile), set(KEY_LINES)
    )
    config = file_edit.remove_keys(
        read(files.config), file_edit.config_section(profile), set(KEY_LINES)
    )
    config, mark, said = marked(config, profile, cp, files.config)
    changes = [
        Change(files.credentials, False, credentials, gone),
        Change(files.config, True, config, {**gone, **mark}),
    ]
    try:
        with changing(profile, changes):
            keystore.write(profile, keys, str(files.credentials))
            if keystore.read(profile) != keys:
                raise ConfigError(
                    f"the keyring did not keep the keys of {profile}; the files are unchanged"
                )
    except file_edit.Unchanged:  # no file renamed: the file still holds the keys
        if fresh:
            keystore.delete(profile)
        raise
    if said:
        log.note(said)
    log.note(f"{profile}: key {mask_key_id(keys.access_key_id)} moved into the keyring")


def _interrupted(profile: str, files: Files) -> Credentials | None:
    """The keys of an import killed after the credentials file lost them: the keyring holds
    them for these files, and the config is not marked yet."""
    held = keystore.origin(profile)
    return held[0] if held is not None and held[1] == str(files.credentials) else None


def run_import(wanted: Sequence[str], environ: Mapping[str, str], cp: bool) -> None:
    """Move keys from the files into the keyring; a profile already moved is left alone."""
    files = Files.from_environ(environ)
    keystore.backend()  # no usable keyring: say so before touching anything
    moved = []
    with file_edit.locked(files.config, files.credentials):
        profiles = load_profiles(files)
        names = _importable(profiles, wanted, files)
        if not names:
            log.note(f"no keys to import in {files.credentials}")
        for name in names:
            values = profiles[name]
            if in_keyring(values) and not _file_keys(values):
                log.note(f"{name}: keys already in the keyring")
                continue
            keys = _file_credentials(name, values) or _interrupted(name, files)
            if keys is None:
                raise ConfigError(f"profile {name} has no keys in {files.credentials} to import")
            _move(name, keys, files, cp)
            moved.append(name)
    for name in moved:
        forget_in_agent(environ, name)
