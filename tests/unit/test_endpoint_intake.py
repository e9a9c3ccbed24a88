"""The endpoint's intake on a real loopback socket: heads handed on, idle connections cut."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from awsmfa_exec.endpoint.intake import Intake

HEAD = b"GET /credentials HTTP/1.1\r\nAuthorization: t\r\n\r\n"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def eventually(condition: Callable[[], bool]) -> bool:
    """Waits for `condition` (a functional bound, not a timing claim)."""
    for _ in range(500):
        if condition():
            return True
        time.sleep(0.01)
    return False


def closed_by_peer(conn: socket.socket) -> bool:
    conn.settimeout(5)
    try:
        return conn.recv(1) == b""
    except OSError:
        return True


@contextmanager
def intake(limit: int, clock: Clock) -> Iterator[tuple[tuple[str, int], list[bytes], Intake]]:
    listener = socket.create_server(("127.0.0.1", 0))
    delivered: list[bytes] = []

    def deliver(conn: socket.socket, address: Any, head: bytes) -> None:
        delivered.append(head)
        conn.close()

    taker = Intake(listener, deliver, limit=limit, deadline=2.0, clock=clock)
    stop = threading.Event()
    thread = threading.Thread(target=taker.serve, args=(stop, 0.01))
    thread.start()
    try:
        yield listener.getsockname(), delivered, taker
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_a_whole_head_is_handed_on_even_in_pieces() -> None:
    with intake(4, Clock()) as (address, delivered, _), socket.create_connection(address) as c:
        c.sendall(HEAD[:10])
        time.sleep(0.05)
        c.sendall(HEAD[10:])
        assert eventually(lambda: delivered == [HEAD])


def test_a_new_connection_pushes_out_the_oldest_idle_one_when_full() -> None:
    clock = Clock()
    with intake(2, clock) as (address, delivered, taker):
        first = socket.create_connection(address)
        assert eventually(lambda: taker.waiting() == 1)
        second = socket.create_connection(address)
        assert eventually(lambda: taker.waiting() == 2)
        with first, second, socket.create_connection(address) as third:
            assert closed_by_peer(first)
            assert eventually(lambda: taker.waiting() == 2)
            third.sendall(HEAD)
            assert eventually(lambda: delivered == [HEAD])
            second.sendall(HEAD)
            assert eventually(lambda: delivered == [HEAD, HEAD])


def test_a_connection_without_its_head_after_the_deadline_is_cut() -> None:
    clock = Clock()
    with intake(4, clock) as (address, delivered, taker), socket.create_connection(address) as c:
        c.sendall(HEAD[:10])
        assert eventually(lambda: taker.waiting() == 1)
        clock.now = 1.9
        time.sleep(0.05)
        assert taker.waiting() == 1
        clock.now = 2.1
        assert closed_by_peer(c)
        assert taker.waiting() == 0
        assert delivered == []
