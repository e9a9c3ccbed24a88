"""Profiles from the AWS files, read and merged as botocore does (credentials-file values
win), resolved into a `Chain`: the root of its credentials, the MFA serial that guards it,
and the role hops from that root to the profile.
"""

from __future__ import annotations

import getpass
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore import configloader
from botocore.exceptions import ConfigNotFound, ConfigParseError

from awsmfa_exec.config_hints import missing_profile_hints, parse_problem, setting_without_equals
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.environ import credentials_in, region_in
from awsmfa_exec.errors import ConfigError
from awsmfa_exec.files import Files as Files  # noqa: PLC0414 - re-exported for callers
from awsmfa_exec.files import signature
from awsmfa_exec.role_settings import RoleSettings, role_settings

Profiles = dict[str, dict[str, Any]]

# More role hops than anyone configures on purpose: each is an AssumeRole call.
MAX_HOPS = 64
# `awsmfa_keys = keyring` on a profile: its long-term keys are in the OS keyring (`keystore`).
KEYS_MARK = "awsmfa_keys"


# Roots whose credentials botocore's own providers resolve (`roots`), by the setting that
# makes each: the kind names them in `list` and in messages.
ROOT_KINDS = (
    ("web_identity_token_file", "web-identity"),
    ("sso_session", "sso"),
    ("sso_start_url", "sso"),
    ("login_session", "login"),
    ("credential_process", "process"),
)
# `credential_source` values botocore's own sourcer resolves, and the kind each root is.
NAMED_SOURCES = {"ec2instancemetadata": "ec2-metadata", "ecscontainer": "ecs-container"}
DEFERRED = frozenset({kind for _, kind in ROOT_KINDS} | set(NAMED_SOURCES.values()))
# What botocore's SSO provider needs on the profile itself (legacy: no sso_session).
SSO_NEEDS = ("sso_account_id", "sso_role_name")
SSO_LEGACY_NEEDS = ("sso_start_url", "sso_region", *SSO_NEEDS)


@dataclass(frozen=True)
class Source:
    """Where the chain starts: keys from a profile or the environment, or a root botocore
    resolves (`origin`: process, web-identity, sso, login, ec2-metadata, ecs-container),
    fetched only when a call needs it; until then `credentials` is empty and `settings`
    holds the values the cache keys it by."""

    profile: str
    credentials: Credentials
    origin: str
    settings: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @property
    def deferred(self) -> bool:
        """Credentials from a botocore provider, not yet fetched."""
        return self.origin in DEFERRED and not self.credentials.access_key_id

    @property
    def temporary(self) -> bool:
        return self.credentials.session_token is not None


def root_kind(values: Mapping[str, Any]) -> str | None:
    """The kind of botocore root a profile is (None: none). A web identity root is a profile
    with `role_arn` and `web_identity_token_file` and no `source_profile`."""
    for key, kind in ROOT_KINDS:
        if not values.get(key):
            continue
        if kind == "web-identity" and (
            not values.get("role_arn")
            or values.get("source_profile")
            or values.get("credential_source")
        ):
            continue
        return kind
    return None


@dataclass(frozen=True)
class RoleHop:
    profile: str
    role_arn: str
    external_id: str | None
    session_name: str
    duration_seconds: int | None
    # what the role session carries: source identity, tags, session policies
    session: RoleSettings = field(default_factory=RoleSettings)


@dataclass(frozen=True)
class Chain:
    profile: str
    source: Source
    hops: tuple[RoleHop, ...]
    mfa_serial: str | None
    mfa_process: str | None
    region: str | None
    # The target profile's raw values: a keys-only profile's hold its secret access key.
    settings: Mapping[str, Any] = field(repr=False)
    duration_seconds: int | None = None  # the target's own (a keys-only profile's)
    mfa_session_duration: int | None = None  # the target's, else the first down its chain
    mfa_prompt: str | None = None
    mfa_ykman_account: str | None = None


def _cannot_read(path: Path, error: OSError | None = None) -> ConfigError:
    reason = "permission denied" if error is None else error.strerror or type(error).__name__
    return ConfigError(
        f"cannot read {path}: {reason.lower()}; check the permissions of the file and its folder"
    )


def _read(path: Path, *, profiles_map: bool) -> Profiles:
    try:
        if path.exists() and not os.access(path, os.R_OK):
            raise _cannot_read(path)
        if path.is_dir():
            raise ConfigError(f"{path} is a directory, not an AWS config file")
    except OSError as exc:  # a directory on the way that the user may not enter
        raise _cannot_read(path, exc) from None
    try:
        if profiles_map:
            loaded: Profiles = configloader.load_config(str(path))["profiles"]
            return loaded
        raw: Profiles = configloader.raw_config_parse(str(path))
        return raw
    except ConfigNotFound:
        return {}
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    except ConfigParseError as exc:
        cause = exc.kwargs.get("error")
        where = parse_problem(path, cause) if isinstance(cause, BaseException) else "somewhere"
        raise ConfigError(f"{path} is malformed: {where}; fix or move the file") from None


def _nul_at(values: Mapping[str, Any]) -> str | None:
    """The key (or `section.key`) whose name or value holds a NUL byte, if any."""
    for key, value in values.items():
        if "\0" in key:
            return repr(key)
        if isinstance(value, Mapping):
            inner = _nul_at(value)
            if inner is not None:
                return f"{key}.{inner}"
        elif "\0" in str(value):
            return key
    return None


def _checked(path: Path, profiles: Profiles) -> Profiles:
    """No process argument, environment variable or path can hold a NUL: refuse it here;
    nor a key with a space, which is a line without `=` that configparser split at a `:`."""
    for name, values in profiles.items():
        where = repr(name) if "\0" in name else _nul_at(values)
        if where is not None:
            raise ConfigError(
                f"{path} is malformed: a NUL byte in profile {name!r} ({where}); fix the file"
            )
        spaced = next((key for key in values if " " in key), None)
        if spaced is not None:
            where = setting_without_equals(path, spaced)
            raise ConfigError(f"{path} is malformed: {where}; fix or move the file")
    return profiles


def load_profiles(files: Files) -> Profiles:
    """Every profile of both files, merged as botocore's `Session.full_config` does."""
    profiles = _checked(files.config, _read(files.config, profiles_map=True))
    credentials = _checked(files.credentials, _read(files.credentials, profiles_map=False))
    for name, values in credentials.items():
        profiles.setdefault(name, {}).update(values)
    return profiles


def default_session_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return ("awsmfa-" + re.sub(r"[^\w+=,.@-]", "-", user))[:64]


def _int_setting(profile: str, values: Mapping[str, Any], key: str) -> int | None:
    raw = values.get(key)
    if raw is None:
        return None
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ConfigError(f"profile {profile}: {key} must be a whole number of seconds") from None


def _hints(name: str, profiles: Mapping[str, Any], files: Files) -> str:
    sections = []
    for path in (files.config, files.credentials):
        try:
            sections.append(list(_read(path, profiles_map=False)))
        except ConfigError:
            sections.append([])
    return missing_profile_hints(name, profiles, *sections)


def unknown_profile(name: str, profiles: Mapping[str, Any], files: Files) -> ConfigError:
    hint = _hints(name, profiles, files)
    return ConfigError(f"profile {name!r} is not in {files.config} or {files.credentials}{hint}")


def static_keys(name: str, values: Mapping[str, Any]) -> Credentials | None:
    key_id = values.get("aws_access_key_id")
    secret = values.get("aws_secret_access_key")
    if not key_id and not secret:
        return None
    if not key_id or not secret:
        missing = "aws_secret_access_key" if key_id else "aws_access_key_id"
        raise ConfigError(f"profile {name} has no {missing}; add it to [{name}]")
    return Credentials(str(key_id), str(secret), values.get("aws_session_token") or None)


def in_keyring(values: Mapping[str, Any]) -> bool:
    """Whether the profile says its keys are in the keyring (`awsmfa_keys = keyring`)."""
    return str(values.get(KEYS_MARK) or "").strip().lower() == "keyring"


def keyring_keys(name: str) -> Credentials:
    """`name`'s keys from the OS keyring (imported only for a profile marked so)."""
    from awsmfa_exec import keystore, log

    if log.debugging():  # naming the backend costs a D-Bus round trip
        log.debug(f"{name}: long-term keys from the keyring ({keystore.backend_name()})")
    keys = keystore.read(name)
    if keys is None:
        raise ConfigError(
            f"profile {name} has {KEYS_MARK} = keyring, but the keyring holds no keys for it; "
            f"add them with `awsmfa add {name}`"
        )
    return keys


KeysFrom = Callable[[str], Credentials]


def _root(name: str, values: Mapping[str, Any], files: Files, keys_from: KeysFrom) -> Source:
    """The long-term keys of the profile that ends a chain: its file keys or the keyring's."""
    keys = static_keys(name, values)
    marked = values.get(KEYS_MARK)
    kind = root_kind(values)
    if kind is not None and keys is None and marked is None:
        if kind == "sso":
            _check_sso(name, values, files)
        return _deferred(name, values, kind)
    if marked is None:
        if keys is None:
            raise _no_keys(name, values, files)
        return Source(name, keys, "profile")
    if not in_keyring(values):
        raise ConfigError(f"profile {name}: {KEYS_MARK} = {marked} is not known; use keyring")
    if keys is not None:
        raise ConfigError(
            f"profile {name} has keys in both the keyring and {files.credentials}; keep one: "
            f"`awsmfa import {name}` moves the file's keys into the keyring"
        )
    return Source(name, keys_from(name), "keyring")


def _deferred(name: str, values: Mapping[str, Any], kind: str) -> Source:
    settings = tuple(sorted((str(k), str(v)) for k, v in values.items()))
    return Source(name, Credentials("", ""), kind, settings)


def _check_sso(name: str, values: Mapping[str, Any], files: Files) -> None:
    """What botocore's SSO provider would refuse, refused before it runs: `aws sso login`
    cannot add a setting."""
    needs = SSO_NEEDS if values.get("sso_session") else SSO_LEGACY_NEEDS
    missing = [key for key in needs if not values.get(key)]
    if missing:
        raise ConfigError(
            f"profile {name} uses IAM Identity Center but has no {' or '.join(missing)}; "
            f"add it to [profile {name}] in {files.config}"
        )


def _environment_source(name: str, environ: Mapping[str, str]) -> Source:
    if environ.get("AWSMFA_PROFILE"):
        raise ConfigError(
            f"profile {name} uses credential_source = Environment, but the environment holds "
            f"awsmfa credentials for {environ['AWSMFA_PROFILE']}; run it outside awsmfa"
        )
    found = credentials_in(environ)
    if found is None:
        raise ConfigError(
            f"profile {name} uses credential_source = Environment, "
            "but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
        )
    keys = Credentials(found.access_key_id, found.secret_access_key, found.session_token)
    return Source(name, keys, "environment")


def _no_keys(name: str, values: Mapping[str, Any], files: Files) -> ConfigError:
    if values.get("web_identity_token_file"):
        return ConfigError(
            f"profile {name} has web_identity_token_file but no role_arn to assume with it; "
            f"add role_arn to [profile {name}] in {files.config}"
        )
    return ConfigError(
        f"profile {name} has no credentials: add aws_access_key_id and aws_secret_access_key "
        f"to [{name}] in {files.credentials}, or role_arn and source_profile in {files.config}"
    )


def along_chain(name: str, profiles: Profiles) -> Iterator[str]:
    """`name`, then each profile down its source_profile chain as far as the files go (a
    missing profile or a cycle ends it): never an error, for `list` and hints."""
    seen: set[str] = set()
    current = name
    while current in profiles and current not in seen:
        seen.add(current)
        yield current
        current = str(profiles[current].get("source_profile") or "").strip()


def nearest(profiles: Profiles, names: Iterable[str], key: str) -> tuple[str | None, str | None]:
    """`key` from the first of `names` that sets it, and that profile's name."""
    for name in names:
        value = str(profiles[name].get(key) or "").strip()
        if value:
            return value, name
    return None, None


def _walk_error(name: str, walked: list[str], current: str, files: Files) -> ConfigError:
    if current in walked:
        cycle = " -> ".join([*walked, current])
        return ConfigError(f"source_profile cycle: {cycle}; break it in {files.config}")
    return ConfigError(
        f"profile {name}: the source_profile chain is longer than {MAX_HOPS} roles; "
        f"shorten it in {files.config}"
    )


def _below_role(
    name: str,
    values: Mapping[str, Any],
    profiles: Profiles,
    files: Files,
    environ: Mapping[str, str],
    keys_from: KeysFrom,
) -> Source | str:
    """What role profile `name` is assumed from: the `Source` that ends the chain (its own
    keys, or the environment's), or the name of the next profile down."""
    parent = values.get("source_profile")
    credential_source = values.get("credential_source")
    if parent and credential_source:
        raise ConfigError(
            f"profile {name} sets both source_profile and credential_source; keep one"
        )
    if credential_source:
        return _credential_source(name, values, environ)
    return _source_profile(name, values, profiles, files, keys_from)


def _credential_source(name: str, values: Mapping[str, Any], environ: Mapping[str, str]) -> Source:
    """The root a `credential_source` names: the environment's keys, or the instance's or
    container's credentials (botocore's sourcer fetches them, `roots`)."""
    named = str(values["credential_source"])
    if named.lower() == "environment":
        return _environment_source(name, environ)
    kind = NAMED_SOURCES.get(named.lower())
    if kind is None:
        raise ConfigError(
            f"profile {name}: credential_source = {named} is not known; use Environment, "
            "Ec2InstanceMetadata, EcsContainer or source_profile"
        )
    return _deferred(name, {"credential_source": named}, kind)


def _source_profile(
    name: str, values: Mapping[str, Any], profiles: Profiles, files: Files, keys_from: KeysFrom
) -> Source | str:
    """The profile role profile `name` names in `source_profile`, or its own keys when it
    names itself."""
    parent = values.get("source_profile")
    if not parent:
        raise ConfigError(
            f"profile {name} has role_arn but no source_profile; "
            f"add source_profile = <profile with keys> to it in {files.config}"
        )
    parent = str(parent)
    if parent == name:
        return _root(name, values, files, keys_from)
    if parent not in profiles:
        raise ConfigError(
            f"profile {name} has source_profile = {parent}, which is not in "
            f"{files.config} or {files.credentials}{_hints(parent, profiles, files)}"
        )
    return parent


def _ends_chain(values: Mapping[str, Any], asked: bool) -> bool:
    """A profile with no `role_arn` holds the chain's root, and so does a web identity root
    (botocore assumes its role itself). As in every AWS SDK, so does a source profile with
    keys of its own: its role_arn is ignored (the profile asked for ignores its own keys)."""
    if not values.get("role_arn") or root_kind(values) == "web-identity":
        return True
    return not asked and has_own_keys(values)


def has_own_keys(values: Mapping[str, Any]) -> bool:
    """Whether a profile holds keys of its own, in the files or marked for the keyring."""
    return any(values.get(key) for key in ("aws_access_key_id", "aws_secret_access_key")) or (
        KEYS_MARK in values
    )


def _role_hop(
    name: str, values: Mapping[str, Any], environ: Mapping[str, str], asked: bool
) -> RoleHop:
    """The AssumeRole step of role profile `name` (`asked`: the profile asked for)."""
    return RoleHop(
        profile=name,
        role_arn=str(values["role_arn"]),
        external_id=values.get("external_id") or None,
        session_name=values.get("role_session_name") or default_session_name(),
        duration_seconds=_int_setting(name, values, "duration_seconds"),
        session=role_settings(name, values, environ, asked),
    )


def _walk_to_root(
    name: str,
    profiles: Profiles,
    files: Files,
    environ: Mapping[str, str],
    keys_from: KeysFrom,
) -> tuple[list[str], list[RoleHop], Source]:
    """Follow `source_profile` from `name` to the `Source` that ends the chain: the profiles
    passed (the target first), the role hops (the target's first), and the source. A cycle
    or more than `MAX_HOPS` profiles is an error."""
    names: list[str] = []
    hops: list[RoleHop] = []
    current = name
    while True:
        if current in names or len(names) > MAX_HOPS:
            raise _walk_error(name, names, current, files)
        values = profiles[current]
        names.append(current)
        if _ends_chain(values, current == name):
            return names, hops, _root(current, values, files, keys_from)
        hops.append(_role_hop(current, values, environ, current == name))
        below = _below_role(current, values, profiles, files, environ, keys_from)
        if isinstance(below, Source):
            return names, hops, below
        current = below


def resolve(
    name: str,
    profiles: Profiles,
    files: Files,
    environ: Mapping[str, str],
    keys_from: KeysFrom = keyring_keys,
) -> Chain:
    """Walk `source_profile` from `name` down to long-term keys (`keys_from` reads a
    profile's keys from the keyring). `mfa_serial`, `mfa_process` and `region` are taken
    nearest-first along the way; the region then from the caller's `AWS_REGION` or
    `AWS_DEFAULT_REGION`."""
    if name not in profiles:
        raise unknown_profile(name, profiles, files)
    names, hops, source = _walk_to_root(name, profiles, files, environ, keys_from)
    target = profiles[name]

    def first(key: str) -> str | None:
        return nearest(profiles, names, key)[0]

    sessions = (_int_setting(each, profiles[each], "mfa_session_duration") for each in names)
    return Chain(
        profile=name,
        source=source,
        hops=tuple(reversed(hops)),
        mfa_serial=first("mfa_serial"),
        mfa_process=first("mfa_process"),
        region=first("region") or region_in(environ),
        settings=target,
        duration_seconds=_int_setting(name, target, "duration_seconds"),
        mfa_session_duration=next((seconds for seconds in sessions if seconds), None),
        mfa_prompt=first("mfa_prompt"),
        mfa_ykman_account=first("mfa_ykman_account"),
    )


def load_chain(
    name: str,
    environ: Mapping[str, str],
    keys_from: KeysFrom = keyring_keys,
    files: Files | None = None,
) -> Chain:
    """`resolve` of `name` in `files` (else the files `environ` names), parsed once while
    neither file changes (`parsed`)."""
    files = files or Files.from_environ(environ)
    return resolve(name, parsed(files), files, environ, keys_from)


_KEEP_PARSED = 8
_parsed: dict[Files, tuple[object, Profiles]] = {}
_parsed_lock = threading.Lock()


def parsed(files: Files) -> Profiles:
    """`load_profiles(files)`, reused while neither file's stat signature changes: the
    agent and an `each` run parse a large config once, and an edited one again."""
    stamps = (signature(files.config), signature(files.credentials))
    with _parsed_lock:
        held = _parsed.get(files)
        if held is not None and held[0] == stamps:
            return held[1]
    profiles = load_profiles(files)
    with _parsed_lock:
        if len(_parsed) >= _KEEP_PARSED:
            _parsed.pop(next(iter(_parsed)))
        _parsed[files] = (stamps, profiles)
    return profiles


def no_keys_read(name: str) -> Credentials:
    """For a resolution that wants the chain's settings, not its keys: the keyring is not
    asked, and the chain's source holds no key."""
    return Credentials("", "")
