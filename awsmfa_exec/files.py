"""Where the AWS files are: light to import, for callers that need the paths, not the parse."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Files:
    config: Path
    credentials: Path

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Files:
        """AWSMFA_CONFIG_FILE and AWSMFA_SHARED_CREDENTIALS_FILE first: under `exec --server`
        they name the real files, while the AWS_* ones name the command's views of them."""

        def path(variable: str, default: str) -> Path:
            raw = environ.get(f"AWSMFA_{variable[4:]}") or environ.get(variable) or default
            return Path(os.path.expandvars(raw)).expanduser()

        return cls(
            config=path("AWS_CONFIG_FILE", "~/.aws/config"),
            credentials=path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        )
