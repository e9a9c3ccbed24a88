"""The AWS `credential_process` format, version 1, built from the exported AWS_* keys.

[profile dev-mfa]
credential_process = awsmfa env dev --shell json
"""

from __future__ import annotations

import json

from awsmfa_exec.errors import UsageError
from awsmfa_exec.shells.base import checked

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_FIELDS = (
    ("AccessKeyId", "AWS_ACCESS_KEY_ID"),
    ("SecretAccessKey", "AWS_SECRET_ACCESS_KEY"),
    ("SessionToken", "AWS_SESSION_TOKEN"),
    ("Expiration", "AWS_CREDENTIAL_EXPIRATION"),
)


class JsonShell:
    def export(self, env: Mapping[str, str | None]) -> str:
        values = dict(checked(env))
        if values.get("AWS_ACCESS_KEY_ID") is None:
            raise UsageError("--shell json prints credentials; there is nothing to unset")
        document = {field: values[key] for field, key in _FIELDS if values.get(key) is not None}
        return json.dumps({"Version": 1, **document}) + "\n"

    def failed(self, status: int) -> str:
        return ""  # credential_process reads the exit status
