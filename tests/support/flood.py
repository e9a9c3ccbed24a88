"""Idle connections against the `exec --server` endpoint, and real requests through them.

    python flood.py IDLE REQUESTS

Run as the command of `awsmfa exec --server`. Holds IDLE connections to the endpoint open
without sending a byte, opening a new one for each the endpoint closes, and meanwhile
asks for credentials REQUESTS times with the token, each with a 1 s timeout. Prints one
line, `answered A of R in median M ms, max X ms; N idle held`, and exits 1 when a request
was not answered.
"""

from __future__ import annotations

import resource
import selectors
import socket
import statistics
import sys
import threading
import time
import urllib.request
from os import environ
from urllib.parse import urlsplit

TIMEOUT = 1.0


def _more_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Flood:
    def __init__(self, address: tuple[str, int], count: int) -> None:
        self.address = address
        self.selector = selectors.DefaultSelector()
        self.stop = threading.Event()
        self.reopened = 0
        for _ in range(count):
            self._open()

    def _open(self) -> None:
        sock = socket.create_connection(self.address)
        self.selector.register(sock, selectors.EVENT_READ)

    def held(self) -> int:
        return len(self.selector.get_map())

    def keep_up(self) -> None:
        """Replace each connection the endpoint closes (it becomes readable at EOF)."""
        while not self.stop.is_set():
            for key, _ in self.selector.select(0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                self.selector.unregister(sock)
                sock.close()
                try:
                    self._open()
                    self.reopened += 1
                except OSError:
                    pass


def ask(url: str, token: str) -> float | None:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Authorization": token})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            answer.read()
            if answer.status != 200:
                return None
    except OSError as exc:
        print(f"request failed: {exc}", file=sys.stderr)
        return None
    return time.perf_counter() - started


def main() -> int:
    idle, requests = int(sys.argv[1]), int(sys.argv[2])
    url = environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    token = environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    parts = urlsplit(url)
    _more_files(idle)
    flood = Flood((str(parts.hostname), int(parts.port or 80)), idle)
    keeper = threading.Thread(target=flood.keep_up, daemon=True)
    keeper.start()
    times = []
    for _ in range(requests):
        took = ask(url, token)
        if took is not None:
            times.append(took)
        time.sleep(0.1)
    flood.stop.set()
    keeper.join()
    median = statistics.median(times) * 1000 if times else float("nan")
    slowest = max(times) * 1000 if times else float("nan")
    print(
        f"answered {len(times)} of {requests} in median {median:.1f} ms, max {slowest:.1f} ms; "
        f"{flood.held()} idle held, {flood.reopened} reopened after the endpoint closed them"
    )
    return 0 if len(times) == requests else 1


if __name__ == "__main__":
    sys.exit(main())
