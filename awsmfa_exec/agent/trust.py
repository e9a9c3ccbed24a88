"""Whether the thing at the agent's socket path is our own agent, checked before a byte is sent.

A client trusts a socket only when its directory is the caller's and private
(`paths.check_dir`), the socket is the caller's, and the peer's uid is the caller's
(`peer_uid`); the agent answers only its own uid. The first two keep other users from
planting a listener where we look; the last holds even when the path's parents
belong to someone else, who could swap a directory in between.
"""

from __future__ import annotations

import os
import socket
import stat
import struct

from awsmfa_exec.agent.paths import Untrusted, check_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awsmfa_exec.agent.paths import Where

# Linux `struct ucred`: pid_t pid; uid_t uid; gid_t gid.
UCRED = struct.Struct("=iII")
# macOS/BSD `struct xucred`: u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16].
XUCRED = struct.Struct("@IIh16I")
XUCRED_VERSION = 0
SOL_LOCAL = 0
LOCAL_PEERCRED = 0x001


def uid_from_ucred(raw: bytes) -> int:
    _pid, uid, _gid = UCRED.unpack(raw[: UCRED.size])
    return int(uid)


def uid_from_xucred(raw: bytes) -> int:
    version, uid, *_groups = XUCRED.unpack(raw[: XUCRED.size])
    if version != XUCRED_VERSION:
        raise OSError(f"xucred version {version}, expected {XUCRED_VERSION}")
    return int(uid)


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end of a connected unix socket."""
    so_peercred = getattr(socket, "SO_PEERCRED", None)
    if so_peercred is not None:
        return uid_from_ucred(sock.getsockopt(socket.SOL_SOCKET, so_peercred, UCRED.size))
    return uid_from_xucred(sock.getsockopt(SOL_LOCAL, LOCAL_PEERCRED, XUCRED.size))


def check_socket(path: Where) -> None:
    """Raise `Untrusted` unless `path` is a socket of ours in a directory only we can enter;
    OSError when either cannot be looked at: no agent of ours runs there, one may be started."""
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if not os.path.islink(parent) and not os.path.exists(parent):
        raise FileNotFoundError(parent)
    check_dir(parent)
    info = os.lstat(path)  # FileNotFoundError: nothing listens here yet
    if not stat.S_ISSOCK(info.st_mode):
        raise Untrusted(f"{path} is not a socket")
    if info.st_uid != os.getuid():
        raise Untrusted(f"agent socket {path} belongs to uid {info.st_uid}")


def check_peer(sock: socket.socket, path: Where) -> None:
    """Raise `Untrusted` unless the process listening at `path` runs as our uid."""
    try:
        uid = peer_uid(sock)
    except OSError as exc:
        raise Untrusted(f"cannot tell who listens at {path} ({exc.strerror or exc})") from None
    if uid != os.getuid():
        raise Untrusted(f"the process listening at {path} runs as uid {uid}")
