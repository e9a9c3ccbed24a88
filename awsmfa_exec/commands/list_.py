"""`awsmfa list`: every profile, what kind it is, where its credentials come from.

The files are read once and each profile is classified from its own keys and its
`source_profile` chain; nothing is resolved, no secret is read into the output, and no
network is used. Minutes left on what the session agent holds come from `held_by_agent`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from awsmfa_exec import log
from awsmfa_exec.config import (
    NAMED_SOURCES,
    Files,
    Profiles,
    along_chain,
    has_own_keys,
    in_keyring,
    load_profiles,
    nearest,
    root_kind,
)
from awsmfa_exec.duration import minutes_left
from awsmfa_exec.errors import ConfigError
from awsmfa_exec.role_settings import role_settings

KEYS = "keys"  # long-term keys, no role: GetSessionToken only
ROLE = "role"  # role_arn whose source has keys (or credential_source)
CHAIN = "chain"  # role_arn whose source_profile is itself a role
ROOT = "root"  # credentials botocore resolves: credential_process, web identity, sso, login
OTHER = "other"  # nothing awsmfa can start from (settings only)


@dataclass(frozen=True)
class AgentMinutes:
    """Whole minutes left on what the agent holds for one profile (None: nothing held)."""

    session_minutes_left: int | None = None
    role_minutes_left: int | None = None


@dataclass(frozen=True)
class ProfileRow:
    """What `list` shows of one profile (a table row, or an object in `--json`)."""

    name: str
    kind: str
    keys: str | None  # where the chain's root keys come from: keyring, file, env, or a root kind
    role_arn: str | None
    source_profile: str | None
    credential_source: str | None
    mfa_serial: str | None
    region: str | None
    region_from: str | None = None  # a profile down the chain, AWS_REGION, AWS_DEFAULT_REGION
    session_minutes_left: int | None = None
    role_minutes_left: int | None = None
    # what its AssumeRole carries (the environment's overrides are not shown)
    source_identity: str | None = None
    session_tags: dict[str, str] | None = None
    transitive_session_tags: list[str] | None = None
    policy_arns: list[str] | None = None


def held_by_agent(environ: Mapping[str, str]) -> Mapping[str, AgentMinutes]:
    """Per profile, the minutes left on the MFA session and role credentials the agent holds.

    Asks a running agent only (never starts one); nothing when none answers.
    """
    from awsmfa_exec.agent.client import holdings

    session: dict[str, int] = {}
    role: dict[str, int] = {}
    for holding in holdings(environ):
        minutes = minutes_left(int(holding["seconds_left"]))
        kind = role if holding["kind"] == "role" else session
        for name in {str(holding["profile"]), *map(str, holding["used_by"])}:
            if holding["kind"] == "role" and name != holding["profile"]:
                continue
            kind[name] = max(kind.get(name, 0), minutes)
    return {
        name: AgentMinutes(session.get(name), role.get(name)) for name in sorted({*session, *role})
    }


def _text(values: Mapping[str, object], key: str) -> str | None:
    value = values.get(key)
    return str(value) if value not in (None, "") else None


def _region(name: str, profiles: Profiles, environ: Mapping[str, str]) -> tuple[str | None, str]:
    """The region `exec` would give the profile, and where it comes from: the profile
    itself (""), a profile down its chain, or the caller's AWS_REGION/AWS_DEFAULT_REGION."""
    region, where = nearest(profiles, along_chain(name, profiles), "region")
    if region is not None:
        return region, "" if where == name else str(where)
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):  # as environ.region_in, naming which
        if environ.get(variable):
            return environ[variable], variable
    return None, ""


def _keys_at(name: str, profiles: Profiles) -> str | None:
    """Where the long-term keys at the root of `name`'s chain live; never reads them. A
    source profile's own keys end its chain (`config._ends_chain`)."""
    seen: set[str] = set()
    current = name
    while current in profiles and current not in seen:
        seen.add(current)
        values = profiles[current]
        named = _text(values, "credential_source")
        if named:
            return NAMED_SOURCES.get(named.lower(), "env")
        parent = _text(values, "source_profile")
        below = current == name or not has_own_keys(values)
        if _text(values, "role_arn") and parent and parent != current and below:
            current = parent
            continue
        if in_keyring(values):
            return "keyring"
        if _text(values, "aws_access_key_id"):
            return "file"
        return root_kind(values) if _kind(current, values, profiles) == ROOT else None
    return None


def _kind(name: str, values: Mapping[str, object], profiles: Profiles) -> str:
    kind = root_kind(values)
    alone = _text(values, "role_arn") is None or kind == "web-identity"
    if kind and alone and not has_own_keys(values):
        return ROOT
    if _text(values, "role_arn") is None:
        return KEYS if has_own_keys(values) else OTHER
    source = _text(values, "source_profile")
    parent = profiles.get(source or "", {})
    chained = _text(parent, "role_arn") and root_kind(parent) is None and not has_own_keys(parent)
    return CHAIN if source and source != name and chained else ROLE


def _assumes(name: str, values: Mapping[str, object]) -> dict[str, object]:
    """The AssumeRole settings of a role profile, as `list --json` shows them."""
    if not _text(values, "role_arn"):
        return {}
    try:
        got = role_settings(name, values, {}, asked=False)
    except ConfigError as exc:
        log.note(exc.message)
        return {}
    return {
        "source_identity": got.source_identity,
        "session_tags": dict(got.tags) or None,
        "transitive_session_tags": list(got.transitive_tags) or None,
        "policy_arns": list(got.policy_arns) or None,
    }


def classify(
    profiles: Profiles, held: Mapping[str, AgentMinutes], environ: Mapping[str, str] | None = None
) -> list[ProfileRow]:
    """One row per profile, sorted by name; never reads a secret key into a row."""
    entries = []
    for name in sorted(profiles):
        values = profiles[name]
        minutes = held.get(name, AgentMinutes())
        region, region_from = _region(name, profiles, environ or {})
        entries.append(
            ProfileRow(
                name=name,
                kind=_kind(name, values, profiles),
                keys=_keys_at(name, profiles),
                role_arn=_text(values, "role_arn"),
                source_profile=_text(values, "source_profile"),
                credential_source=_text(values, "credential_source"),
                mfa_serial=nearest(profiles, along_chain(name, profiles), "mfa_serial")[0],
                region=region,
                region_from=region_from or None,
                session_minutes_left=minutes.session_minutes_left,
                role_minutes_left=minutes.role_minutes_left,
                **_assumes(name, values),  # type: ignore[arg-type]
            )
        )
    return entries


def _source(row: ProfileRow) -> str:
    if row.source_profile:
        return row.source_profile
    if row.credential_source:
        return f"({row.credential_source.lower()})"
    return "-"


def _region_cell(row: ProfileRow) -> str:
    if row.region is None:
        return "-"
    return f"{row.region} ({row.region_from})" if row.region_from else row.region


def _minutes(value: int | None) -> str:
    return "-" if value is None else f"{value}m"


def table(entries: Sequence[ProfileRow]) -> str:
    """Plain aligned columns; the agent's columns appear only when it holds something."""
    header = ["PROFILE", "KIND", "SOURCE", "KEYS", "MFA SERIAL", "REGION"]
    rows = [
        [e.name, e.kind, _source(e), e.keys or "-", e.mfa_serial or "-", _region_cell(e)]
        for e in entries
    ]
    rows = [[log.printable(cell) for cell in row] for row in rows]  # the files' words
    if any(e.session_minutes_left is not None or e.role_minutes_left is not None for e in entries):
        header += ["MFA LEFT", "ROLE LEFT"]
        for row, e in zip(rows, entries, strict=True):
            row += [_minutes(e.session_minutes_left), _minutes(e.role_minutes_left)]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


def run_list(environ: Mapping[str, str], as_json: bool) -> None:
    files = Files.from_environ(environ)
    entries = classify(load_profiles(files), held_by_agent(environ), environ)
    if not entries:
        log.note(f"no profiles in {files.config} or {files.credentials}")
    if as_json:
        # One object a line: json's C encoder (which indent= would bypass), still readable.
        objects = ",\n".join(json.dumps(vars(e)) for e in entries)
        output = f"[\n{objects}\n]\n" if entries else "[]\n"
    else:
        output = table(entries) if entries else ""
    sys.stdout.write(output)
    sys.stdout.flush()
