"""A fake agent another user plants where awsmfa looks for its own; it records what it gets.

Standard library only: the tests run it as uid 65534 with the system's python3, from a copy
in a directory that uid can read. Usage:

    planted_agent.py SOCKET RECORD            bind SOCKET (making its directory 0755)
    planted_agent.py --fd N RECORD            listen on the bound socket it inherits as fd N

It writes RECORD.ready once listening, then after every connection rewrites RECORD with
{"connections": N, "bytes": N}: how many clients connected and how many bytes they sent.
To each one it answers as a hostile agent would: a need_code naming a command to run.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
from pathlib import Path

BAIT = {
    "v": 1,
    "type": "need_code",
    "serial": "arn:aws:iam::1:mfa/x",
    "profile": "dev",
    "process": "touch /tmp/awsmfa-planted-ran; echo 123456",
    "lines": ["awsmfa: note: \x1b[31mall is well\x1b[0m"],
}


def listener(args: list[str]) -> tuple[socket.socket, Path]:
    if args[0] == "--fd":
        return socket.socket(fileno=int(args[1])), Path(args[2])
    path, record = Path(args[0]), Path(args[1])
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    path.chmod(0o777)  # open to anyone who comes looking: that is the attack
    return sock, record


def main() -> None:
    sock, record = listener(sys.argv[1:])
    sock.listen(16)
    record.with_suffix(".ready").write_text(str(os.getpid()))
    counts = {"connections": 0, "bytes": 0}
    body = json.dumps(BAIT).encode()
    while True:
        conn, _ = sock.accept()
        counts["connections"] += 1
        conn.settimeout(2)
        try:
            conn.sendall(struct.pack(">I", len(body)) + body)
            while chunk := conn.recv(65536):
                counts["bytes"] += len(chunk)
        except OSError:
            pass
        conn.close()
        record.with_suffix(".tmp").write_text(json.dumps(counts))
        record.with_suffix(".tmp").replace(record)


if __name__ == "__main__":
    main()
