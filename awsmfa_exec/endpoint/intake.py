"""The endpoint's front door: one thread accepts connections and collects each request head.

Any local process can connect, token or not. So a connection costs only a descriptor and a
buffer until its request head has arrived whole, within `READ_SECONDS`; only then does it
get a thread. When `limit` connections wait, a new one pushes out the oldest: a flood of
idle connections holds a bounded number of descriptors and no thread.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

READ_SECONDS = 2.0
LIMIT = 512  # connections waiting for their request head
HEAD_LIMIT = 16 * 1024
ACCEPTS_PER_ROUND = 64  # then the heads that arrived are read, even while a flood goes on
_ENDS_OF_HEAD = (b"\r\n\r\n", b"\n\n")  # the second from a client that sends bare LFs
_OUT_OF_FILES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


@dataclass
class _Waiting:
    address: Any
    since: float
    head: bytearray = field(default_factory=bytearray)


class Intake:
    """Accepts on `listener` until `stop` is set; `deliver(conn, address, head)` gets each
    connection whose request head arrived whole, as a blocking socket it then owns."""

    def __init__(
        self,
        listener: socket.socket,
        deliver: Callable[[socket.socket, Any, bytes], None],
        *,
        limit: int = LIMIT,
        deadline: float = READ_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._listener = listener
        self._deliver = deliver
        self._limit = limit
        self._deadline = deadline
        self._clock = clock
        self._selector = selectors.DefaultSelector()
        self._waiting: OrderedDict[socket.socket, _Waiting] = OrderedDict()  # oldest first

    def waiting(self) -> int:
        return len(self._waiting)

    def serve(self, stop: threading.Event, poll: float) -> None:
        self._listener.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ)
        try:
            while not stop.is_set():
                for key, _ in self._selector.select(poll):
                    if key.fileobj is self._listener:
                        self._accept_some()
                    else:
                        self._read(cast(socket.socket, key.fileobj))
                self._sweep()
        finally:
            for conn in list(self._waiting):
                self._drop(conn)
            self._selector.close()

    def _accept_some(self) -> None:
        for _ in range(ACCEPTS_PER_ROUND):
            try:
                conn, address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in _OUT_OF_FILES and self._waiting:
                    self._drop(next(iter(self._waiting)))  # make room for the next round
                return
            if len(self._waiting) >= self._limit:
                self._drop(next(iter(self._waiting)))
            conn.setblocking(False)
            self._waiting[conn] = _Waiting(address, self._clock())
            self._selector.register(conn, selectors.EVENT_READ)

    def _read(self, conn: socket.socket) -> None:
        waiting = self._waiting.get(conn)
        if waiting is None:  # pushed out earlier in this round
            return
        try:
            data = conn.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        waiting.head += data
        if not data or len(waiting.head) > HEAD_LIMIT:
            self._drop(conn)
        elif any(end in waiting.head for end in _ENDS_OF_HEAD):
            self._selector.unregister(conn)
            del self._waiting[conn]
            conn.setblocking(True)
            self._deliver(conn, waiting.address, bytes(waiting.head))

    def _sweep(self) -> None:
        """Cut every connection that has waited longer than the deadline for its head."""
        cutoff = self._clock() - self._deadline
        while self._waiting:
            conn, waiting = next(iter(self._waiting.items()))
            if waiting.since > cutoff:
                return
            self._drop(conn)

    def _drop(self, conn: socket.socket) -> None:
        self._selector.unregister(conn)
        del self._waiting[conn]
        with contextlib.suppress(OSError):
            conn.close()
