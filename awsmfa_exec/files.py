"""Where the AWS files are: light to import, for callers that need the paths, not the parse.
The cached path asks only for the two `paths`, as strings (no pathlib)."""

from __future__ import annotations

import os

from awsmfa_exec.options import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def paths(environ: Mapping[str, str]) -> tuple[str, str]:
    """The config and credentials files, absolute. AWSMFA_CONFIG_FILE and
    AWSMFA_SHARED_CREDENTIALS_FILE first: under `exec --server` they name the real files,
    while the AWS_* ones name the command's views of them."""

    def path(variable: str, default: str) -> str:
        raw = environ.get(f"AWSMFA_{variable[4:]}") or environ.get(variable) or default
        return os.path.abspath(os.path.expanduser(os.path.expandvars(raw)))

    return path("AWS_CONFIG_FILE", "~/.aws/config"), path(
        "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"
    )


def signature(path: str | os.PathLike[str]) -> tuple[int, ...] | None:
    """What changes when a file is replaced or edited (None: absent): parses and botocore
    sessions of the files are kept while their signatures stay."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class Files(Value):
    """The two AWS files a run reads."""

    __slots__ = ("config", "credentials")

    def __init__(self, config: Path, credentials: Path) -> None:
        self.config, self.credentials = config, credentials

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Files:
        from pathlib import Path

        config, credentials = paths(environ)
        return cls(Path(config), Path(credentials))
