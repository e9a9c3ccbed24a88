"""The AssumeRole settings aws-vault and awsume users carry in their profiles, checked
against STS's limits when the profile is read (a malformed value is a one-line exit 3):

`source_identity`, `session_tags = k1=v1, k2=v2`, `transitive_session_tags = k1, k2`,
`policy_arns = arn1, arn2` (docs/configuration.md), in aws-vault's syntax, and for the
profile asked for `AWS_SESSION_TAGS`, `AWS_TRANSITIVE_TAGS`, `AWS_SOURCE_IDENTITY` over them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsmfa_exec.errors import ConfigError

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256
MAX_POLICIES = 10
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}")
# Setting -> the variable that overrides it for the profile asked for (aws-vault's names).
OVERRIDES = {
    "source_identity": "AWS_SOURCE_IDENTITY",
    "session_tags": "AWS_SESSION_TAGS",
    "transitive_session_tags": "AWS_TRANSITIVE_TAGS",
}


@dataclass(frozen=True)
class RoleSettings:
    source_identity: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    transitive_tags: tuple[str, ...] = ()
    policy_arns: tuple[str, ...] = ()

    def params(self) -> dict[str, Any]:
        """AssumeRole's parameters for what is set."""
        params: dict[str, Any] = {}
        if self.source_identity:
            params["SourceIdentity"] = self.source_identity
        if self.tags:
            params["Tags"] = [{"Key": key, "Value": value} for key, value in self.tags]
        if self.transitive_tags:
            params["TransitiveTagKeys"] = list(self.transitive_tags)
        if self.policy_arns:
            params["PolicyArns"] = [{"arn": arn} for arn in self.policy_arns]
        return params

    def shown(self) -> str:
        """What --debug says of them ("" when none is set)."""
        words = [f"source identity {self.source_identity}"] if self.source_identity else []
        if self.tags:
            words.append("tags " + ",".join(f"{k}={v}" for k, v in self.tags))
        if self.transitive_tags:
            words.append("transitive " + ",".join(self.transitive_tags))
        if self.policy_arns:
            words.append("policies " + ",".join(self.policy_arns))
        return "; ".join(words)


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _tags(where: str, raw: str) -> tuple[tuple[str, str], ...]:
    tags: dict[str, str] = {}
    for item in _items(raw):
        key, equals, value = (part.strip() for part in item.partition("="))
        if not equals or not key:
            raise ConfigError(f"{where}: the tag {item!r} has no key=value; write k1=v1,k2=v2")
        if len(key) > MAX_KEY or len(value) > MAX_VALUE:
            raise ConfigError(
                f"{where}: the tag {key[:40]!r} is too long; STS allows keys of at most "
                f"{MAX_KEY} characters and values of at most {MAX_VALUE}"
            )
        if key.lower() in (known.lower() for known in tags):
            raise ConfigError(f"{where}: the tag key {key!r} is given twice; keep one")
        tags[key] = value
    if len(tags) > MAX_TAGS:
        raise ConfigError(f"{where}: {len(tags)} tags; STS allows at most {MAX_TAGS}")
    return tuple(tags.items())


def _source_identity(where: str, raw: str) -> str | None:
    value = raw.strip()
    if value and not _SOURCE_IDENTITY.fullmatch(value):
        raise ConfigError(
            f"{where}: STS takes 2 to 64 letters, digits or the characters _+=,.@- as a source "
            "identity"
        )
    return value or None


def role_settings(
    profile: str, values: Mapping[str, Any], environ: Mapping[str, str], asked: bool
) -> RoleSettings:
    """Profile `profile`'s AssumeRole settings; `asked`: it is the profile asked for, whose
    settings the environment's variables override."""
    raw = {key: str(values.get(key) or "") for key in (*OVERRIDES, "policy_arns")}
    origin = {key: f"profile {profile}: {key}" for key in raw}
    for key, variable in OVERRIDES.items():
        if asked and environ.get(variable):
            raw[key], origin[key] = environ[variable], variable
    transitive = tuple(dict.fromkeys(_items(raw["transitive_session_tags"])))
    if len(transitive) > MAX_TAGS:
        where = origin["transitive_session_tags"]
        raise ConfigError(f"{where}: {len(transitive)} keys; STS allows at most {MAX_TAGS}")
    policies = tuple(_items(raw["policy_arns"]))
    if len(policies) > MAX_POLICIES:
        where = origin["policy_arns"]
        raise ConfigError(f"{where}: {len(policies)} ARNs; STS allows at most {MAX_POLICIES}")
    return RoleSettings(
        _source_identity(origin["source_identity"], raw["source_identity"]),
        _tags(origin["session_tags"], raw["session_tags"]),
        transitive,
        policies,
    )
