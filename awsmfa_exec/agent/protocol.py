"""The agent's wire format: length-prefixed JSON frames over a unix stream socket, one
connection per request (the frames: ARCHITECTURE.md, "The agent's protocol"). Every agent
frame may carry `lines` for the client's stderr, which it prints without control characters
and marked as the agent's; a `need_code` names no command.
"""

from __future__ import annotations

import json
import socket
import struct

from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import (
    AuthError,
    AwsmfaError,
    ConfigError,
    MfaCodeRejected,
    StsThrottled,
    StsUnavailable,
    UsageError,
)
from awsmfa_exec.log import printable

VERSION = 1
MAX_FRAME = 1 << 20
_HEADER = struct.Struct(">I")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Message = dict[str, Any]
else:
    Message = dict  # no typing at run time: the cached path reads this module

ERRORS: dict[str, type[AwsmfaError]] = {
    cls.__name__: cls
    for cls in (UsageError, ConfigError, AuthError, MfaCodeRejected, StsUnavailable, StsThrottled)
}


class ProtocolError(Exception):
    """The other side spoke garbage, another version, or hung up mid-conversation."""


def send(sock: socket.socket, message: Message) -> None:
    body = json.dumps({"v": VERSION, **message}, separators=(",", ":")).encode()
    sock.sendall(_HEADER.pack(len(body)) + body)


def _exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            if chunks:
                raise ProtocolError("the connection closed inside a frame")
            return None
        chunks += chunk
    return bytes(chunks)


def receive(sock: socket.socket) -> Message | None:
    """The next message, or None when the other side closed the connection."""
    header = _exactly(sock, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ProtocolError(f"a frame of {size} bytes is too large")
    body = _exactly(sock, size)
    if body is None:
        raise ProtocolError("the connection closed inside a frame")
    try:
        message = json.loads(body)
    except ValueError:
        raise ProtocolError("a frame is not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("a frame is not a JSON object")
    if message.get("v") != VERSION:
        raise ProtocolError(f"protocol version {message.get('v')!r}, expected {VERSION}")
    return message


def dump_credentials(creds: Credentials) -> Message:
    return {
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "SessionToken": creds.session_token,
        "Expiration": creds.expires_text,
        "ExpiresAt": creds.expires_at,  # read back without parsing a date (`load_credentials`)
    }


def load_credentials(raw: Any) -> Credentials:
    try:
        expires_at = raw["ExpiresAt"]
        return Credentials(
            str(raw["AccessKeyId"]),
            str(raw["SecretAccessKey"]),
            raw["SessionToken"],
            expires_at=None if expires_at is None else float(expires_at),
        )
    except (KeyError, TypeError, ValueError):
        raise ProtocolError("credentials without their fields") from None


def error_message(exc: AwsmfaError) -> Message:
    return {"type": "error", "kind": type(exc).__name__, "message": exc.message}


def load_error(message: Message) -> AwsmfaError:
    """The error the agent reported, as the same AwsmfaError subclass."""
    kind = ERRORS.get(str(message.get("kind")))
    text = printable(str(message.get("message", "")))
    if kind is None:
        raise ProtocolError(f"{printable(str(message.get('kind')))}: {text or 'no reason given'}")
    return kind(text)
