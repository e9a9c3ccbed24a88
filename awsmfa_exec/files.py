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
        def path(variable: str, default: str) -> Path:
            raw = environ.get(variable) or default
            return Path(os.path.expandvars(raw)).expanduser()

        return cls(
            config=path("AWS_CONFIG_FILE", "~/.aws/config"),
            credentials=path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        )
