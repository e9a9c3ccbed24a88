"""The agent process: bind the socket, detach, answer its own user, exit when idle.

The starting process binds the socket (under a lock on its directory, so racing starters
leave one agent), forks the daemon, and exits: once it has exited, the socket answers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import stat
import sys
import threading
import time
from pathlib import Path

from awsmfa_exec import log
from awsmfa_exec.agent import harden
from awsmfa_exec.agent.daemon.get import HeldKeys, handle_get
from awsmfa_exec.agent.paths import addressable, prepare_dir
from awsmfa_exec.agent.protocol import (
    Message,
    ProtocolError,
    error_message,
    load_credentials,
    receive,
    send,
)
from awsmfa_exec.agent.trust import peer_uid
from awsmfa_exec.chain.cache import Cache, Caller
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import AwsmfaError, ConfigError, ExitCode

GRACE = 30.0
TICK = 0.5
CODE_TIMEOUT = 300.0


class ClientGone(Exception):
    """The client hung up (or went silent) while the agent waited for its MFA code."""


def answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        try:
            with addressable(path) as address:
                probe.connect(address)
        except OSError:
            return False
    return True


def bind(path: Path) -> socket.socket | None:
    """A listening socket at `path`, 0600; None when a live agent already answers there."""
    directory = prepare_dir(path)
    lock = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if answers(path):
            return None
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISSOCK(os.lstat(path).st_mode):
                raise ConfigError(f"{path} exists and is not a socket; remove it")
            path.unlink()  # a dead agent's socket
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            with addressable(path) as address:
                listener.bind(address)
        finally:
            os.umask(old)
        path.chmod(0o600)
        listener.listen(128)
        return listener
    finally:
        os.close(lock)


class Agent:
    def __init__(self, path: Path, listener: socket.socket, grace: float) -> None:
        self.path = path
        self.listener = listener
        self.grace = grace
        self.inode = path.stat().st_ino
        self.store = Cache()
        self.keys = HeldKeys()
        self.started = time.time()
        self.hardening: dict[str, bool] = {}
        self.busy = 0
        self.last_active = time.monotonic()
        self._lock = threading.Lock()

    def serve(self) -> None:
        self.hardening = harden.harden()
        threading.Thread(target=_warm_up, daemon=True).start()
        self.listener.settimeout(TICK)
        while not self._should_exit():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # out of descriptors, say: let clients go direct for a moment
                time.sleep(TICK)
                continue
            if not self._same_user(conn):
                conn.close()
                continue
            with self._lock:
                self.busy += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        self.shutdown()

    def _same_user(self, conn: socket.socket) -> bool:
        try:
            return peer_uid(conn) == os.getuid()
        except OSError:
            return False

    def _should_exit(self) -> bool:
        try:
            if self.path.stat().st_ino != self.inode:
                return True  # our socket was removed or replaced: nobody can reach us
        except OSError:
            return True
        with self._lock:
            if self.busy or time.monotonic() - self.last_active < self.grace:
                return False
        return self.store.idle()

    def shutdown(self) -> None:
        with contextlib.suppress(OSError):
            if self.path.stat().st_ino == self.inode:
                self.path.unlink()
        os._exit(0)

    def _handle(self, conn: socket.socket) -> None:
        try:
            with contextlib.suppress(OSError, ProtocolError, ClientGone), conn:
                conn.settimeout(CODE_TIMEOUT)
                request = receive(conn)
                if request is not None:
                    self._answer(conn, request)
        finally:
            with self._lock:
                self.busy -= 1
                self.last_active = time.monotonic()

    def _answer(self, conn: socket.socket, request: Message) -> None:
        op = request.get("op")
        if op == "get":
            self._get(conn, request)
        elif op == "status":
            send(conn, self.status())
        elif op == "clear":
            profile = request.get("profile")
            count = self.store.clear(str(profile) if profile else None)
            self.keys.forget()
            send(conn, {"type": "cleared", "count": count})
        elif op == "stop":
            send(conn, {"type": "stopped", "pid": os.getpid()})
            self.shutdown()
        else:
            send(conn, {"type": "error", "kind": "unknown", "message": f"unknown op {op!r}"})

    def _get(self, conn: socket.socket, request: Message) -> None:
        caller = Caller(has_code=request.get("code_given") is True)
        with log.captured(bool(request.get("debug"))) as lines:

            def exchange(need: Message, field: str, kind: type = object) -> object:
                with self.store.asking(caller):
                    send(conn, {**need, "lines": _drain(lines)})
                    reply = receive(conn)
                    if reply is None or field not in reply or not isinstance(reply[field], kind):
                        raise ClientGone
                return reply[field]

            def ask(serial: str | None, profile: str, why: str | None) -> str:
                need = {"type": "need_code", "serial": serial, "profile": profile}
                return str(exchange({**need, "rejected": why}, "code", str))

            def ask_client(what: str, profile: str) -> Credentials:
                return load_credentials(exchange({"type": what, "profile": profile}, "credentials"))

            try:
                answer = handle_get(request, self.store, self.keys, ask, caller, ask_client)
            except AwsmfaError as exc:
                answer = error_message(exc)
            except (OSError, ProtocolError, ClientGone):
                raise
            except Exception as exc:  # a bug here: the client falls back to STS directly
                answer = {"type": "error", "kind": "internal", "message": type(exc).__name__}
            send(conn, {**answer, "lines": _drain(lines)})

    def status(self) -> Message:
        held = [
            {
                "profile": h.label,
                "kind": h.kind,
                "detail": h.detail,
                "seconds_left": h.seconds_left,
                "used_by": h.users,
            }
            for h in self.store.held()
        ]
        return {
            "type": "status",
            "pid": os.getpid(),
            "socket": str(self.path),
            "started": int(self.started),
            "hardening": self.hardening,
            "held": held,
        }


def _drain(lines: list[str]) -> list[str]:
    taken = list(lines)
    lines.clear()
    return taken


def _warm_up() -> None:
    """Load botocore's client machinery now, so the first STS call does not wait for it."""
    with contextlib.suppress(Exception):
        from awsmfa_exec import sts

        sts.preload()


def _detach() -> None:
    """Fork: the parent exits (its exit tells the starter the socket is ready), the child
    leaves the starter's session and its stdio."""
    if os.fork() > 0:
        os._exit(0)
    os.setsid()
    os.chdir("/")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--socket":
        sys.stderr.write("usage: python -m awsmfa_exec.agent --socket PATH\n")
        return ExitCode.USAGE
    path = Path(argv[1])
    try:
        listener = bind(path)
    except (AwsmfaError, OSError) as exc:
        message = exc.message if isinstance(exc, AwsmfaError) else str(exc)
        sys.stderr.write(f"awsmfa: error: the agent cannot listen at {path}: {message}\n")
        return ExitCode.CONFIG
    if listener is None:
        return ExitCode.OK
    grace = float(os.environ.get("AWSMFA_AGENT_GRACE") or GRACE)
    _detach()
    Agent(path, listener, grace).serve()
    return ExitCode.OK
