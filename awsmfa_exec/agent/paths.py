"""Where the agent's socket lives, and the checks that keep that place private.

`$AWSMFA_AGENT_SOCK`, else `$XDG_RUNTIME_DIR/awsmfa/agent.sock`, else
`/tmp/awsmfa-<uid>/agent.sock`. The directory is created 0700; one that is a symlink, owned
by someone else, or open to group/other is refused rather than repaired.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from awsmfa_exec.errors import ConfigError

SOCKET_NAME = "agent.sock"


class Untrusted(ConfigError):
    """A place for the agent's socket that another user could listen at, or a listener that
    is not ours: nothing is sent there."""


def socket_path(environ: Mapping[str, str]) -> Path:
    explicit = environ.get("AWSMFA_AGENT_SOCK")
    if explicit:
        return Path(explicit).expanduser().absolute()
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute():
        return Path(runtime) / "awsmfa" / SOCKET_NAME
    return Path(f"/tmp/awsmfa-{os.getuid()}") / SOCKET_NAME  # noqa: S108 - checked below


def check_dir(directory: Path) -> None:
    """Raise unless `directory` is a real directory of ours that only we can enter."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        raise ConfigError(f"agent socket directory {directory} does not exist") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise Untrusted(f"agent socket directory {directory} is a symlink or not a directory")
    if info.st_uid != os.getuid():
        raise Untrusted(f"agent socket directory {directory} belongs to uid {info.st_uid}")
    if info.st_mode & 0o077:
        raise Untrusted(
            f"agent socket directory {directory} is open to others "
            f"(mode {stat.S_IMODE(info.st_mode):04o}); chmod 700 it or remove it"
        )


def prepare_dir(sock: Path) -> Path:
    """Create the socket's directory 0700 if missing, then check it; its path."""
    directory = sock.parent
    with suppress(FileExistsError):
        directory.mkdir(mode=0o700, parents=True)
    check_dir(directory)
    return directory


_SUN_PATH_MAX = 107


@contextmanager
def addressable(sock: Path) -> Iterator[str]:
    """`sock` as an AF_UNIX address: itself, or through /proc/self/fd when it is too long."""
    if len(os.fsencode(sock)) <= _SUN_PATH_MAX:
        yield str(sock)
        return
    fd = os.open(sock.parent, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        yield f"/proc/self/fd/{fd}/{sock.name}"
    finally:
        os.close(fd)
