"""Where the agent's socket lives, and the checks that keep that place private.

`$AWSMFA_AGENT_SOCK`, else `$XDG_RUNTIME_DIR/awsmfa/agent.sock`, else
`/tmp/awsmfa-<uid>/agent.sock`. A directory that is a symlink, someone else's, or open to
group/other is refused rather than repaired. No pathlib: the cached path imports this.
"""

from __future__ import annotations

import os
import stat

from awsmfa_exec.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    Where = str | os.PathLike[str]

SOCKET_NAME = "agent.sock"


class Untrusted(ConfigError):
    """A place for the agent's socket that another user could listen at, or a listener that
    is not ours: nothing is sent there."""


def socket_path(environ: Mapping[str, str]) -> str:
    explicit = environ.get("AWSMFA_AGENT_SOCK")
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "awsmfa", SOCKET_NAME)
    return os.path.join(f"/tmp/awsmfa-{os.getuid()}", SOCKET_NAME)  # noqa: S108 - checked below


def check_dir(directory: Where) -> None:
    """Raise unless `directory` is a real directory of ours that only we can enter."""
    directory = os.fspath(directory)
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


def prepare_dir(sock: Where) -> str:
    """Create the socket's directory 0700 if missing, then check it; its path."""
    directory = os.path.dirname(os.fspath(sock))
    try:  # noqa: SIM105 - contextlib is not imported on the cached path
        os.makedirs(directory, mode=0o700)
    except FileExistsError:  # a file or a link is refused by check_dir
        pass
    check_dir(directory)
    return directory


_SUN_PATH_MAX = 107


class addressable:
    """`sock` as an AF_UNIX address: itself, or through /proc/self/fd when it is too long."""

    def __init__(self, sock: Where) -> None:
        self._sock, self._fd = os.fspath(sock), -1

    def __enter__(self) -> str:
        if len(os.fsencode(self._sock)) <= _SUN_PATH_MAX:
            return self._sock
        directory, name = os.path.split(self._sock)
        self._fd = os.open(directory, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        return f"/proc/self/fd/{self._fd}/{name}"

    def __exit__(self, *exc: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)
