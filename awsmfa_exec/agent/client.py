"""Talking to the agent: connect (starting it when absent), ask, relay its notes.

No botocore here: the agent parses the files and calls STS. When the agent cannot be used,
`through_agent` returns None and the caller goes to STS itself; --debug says why.
"""

from __future__ import annotations

import os
import socket
import sys

from awsmfa_exec import log
from awsmfa_exec.agent.paths import Untrusted, addressable, socket_path
from awsmfa_exec.agent.protocol import (
    Message,
    ProtocolError,
    dump_credentials,
    load_credentials,
    load_error,
    receive,
    send,
)
from awsmfa_exec.agent.trust import check_peer, check_socket
from awsmfa_exec.errors import ConfigError, MfaCodeRejected
from awsmfa_exec.files import paths
from awsmfa_exec.margin import refresh_margin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from awsmfa_exec.agent.paths import Where
    from awsmfa_exec.mfa import Asker, MfaCode
    from awsmfa_exec.request import Obtained, Request

CONNECT_TIMEOUT = 2.0
ANSWER_TIMEOUT = 600.0
START_TIMEOUT = 10.0
# What the agent's process keeps of the starter's environment: nothing that shapes an STS
# call (each request carries those), nothing secret.
_AGENT_ENV = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_ALL",
    "AWSMFA_AGENT_GRACE",
    "BOTO_DISABLE_CRT",  # botocore's own switch: the agent signs as the user's botocore does
    # what it needs to reach the user's keyring the way the commands do (`keystore`)
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "PYTHON_KEYRING_BACKEND",
)
_PROXY_VARS = ("http_proxy", "https_proxy", "no_proxy")


def connect(path: Where) -> socket.socket | None:
    """A connection to our own agent at `path`; None when no agent listens there; `Untrusted`,
    having sent nothing, when what is there is not the caller's own (`trust`)."""
    path = os.fspath(path)
    try:
        check_socket(path)
    except OSError as exc:  # nothing there, or a place we cannot even look: no agent of ours
        log.debug(f"no agent at {path} ({exc.strerror or exc})")
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        with addressable(path) as address:
            sock.connect(address)
        check_peer(sock, path)
    except (OSError, Untrusted) as exc:
        sock.close()
        if isinstance(exc, Untrusted):
            raise
        return None
    sock.settimeout(ANSWER_TIMEOUT)
    return sock


def start(path: str) -> None:
    """Start an agent at `path` and wait until it listens (a running one is left alone)."""
    import subprocess  # only when no agent answers: off the cached path

    env = {k: os.environ[k] for k in _AGENT_ENV if k in os.environ}
    try:
        starter = subprocess.Popen(
            [sys.executable, "-B", "-m", "awsmfa_exec.agent", "--socket", path],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd="/",
        )
    except OSError as exc:
        raise ConfigError(f"cannot run {sys.executable}: {exc.strerror}") from None
    try:
        _, err = starter.communicate(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        starter.kill()
        starter.communicate()
        raise ConfigError(f"the agent did not start within {START_TIMEOUT:.0f}s") from None
    if starter.returncode != 0:
        reason = err.decode(errors="replace").strip().removeprefix("awsmfa: error: ")
        raise ConfigError(reason or f"the agent exited with status {starter.returncode}")


def connect_or_start(path: str) -> socket.socket | None:
    sock = connect(path)
    if sock is not None:
        return sock
    log.debug(f"no agent answers at {path}; starting one")
    try:
        start(path)
    except ConfigError as exc:
        log.debug(f"the agent could not start: {exc.message}")
        return None
    return connect(path)


def request(path: Where, message: Message) -> Message | None:
    """One request/answer with a running agent (no start); None when none answers."""
    sock = connect(path)
    if sock is None:
        return None
    with sock:
        send(sock, message)
        return receive(sock)


def holdings(environ: Mapping[str, str]) -> list[Message]:
    """What a running agent holds (profile, kind, seconds_left, used_by); [] when none runs."""
    from awsmfa_exec.agent import enabled

    if not enabled(environ):
        return []
    try:
        status = request(socket_path(environ), {"op": "status"})
    except Untrusted as exc:
        log.note(f"not asking the agent: {exc.message}")
        return []
    except (OSError, ProtocolError) as exc:
        log.debug(f"the agent did not answer properly ({exc})")
        return []
    held = status.get("held") if status else None
    return [entry for entry in held if isinstance(entry, dict)] if isinstance(held, list) else []


def _shaping(environ: Mapping[str, str]) -> dict[str, str]:
    """The part of the environment that shapes the call, never AWSMFA_TOKEN_CODE."""
    return {
        key: value
        for key, value in environ.items()
        if (key.startswith(("AWS_", "AWSMFA_")) or key.lower() in _PROXY_VARS)
        and key != "AWSMFA_TOKEN_CODE"
    }


class _Conversation:
    """One `get` to its end: the agent may ask for a code (`need_code`, given by `asker`)
    or for the chain's root credentials (`need_root`, fetched here)."""

    def __init__(
        self, sock: socket.socket, req: Request, environ: Mapping[str, str], asker: Asker | None
    ) -> None:
        self.sock, self.req, self.environ, self.asker = sock, req, environ, asker
        self.mfa: MfaCode | None = None

    def next(self) -> Message:
        answer = receive(self.sock)
        if answer is None:
            raise ProtocolError("the agent closed the connection without an answer")
        log.relay([str(line) for line in answer.get("lines") or []])
        return answer

    def code_step(self, code: str) -> Message:
        send(self.sock, {"code": code})
        answer = self.next()
        if answer.get("type") == "need_code" and answer.get("rejected"):
            raise MfaCodeRejected(log.printable(str(answer["rejected"])))
        return answer

    def answer_code(self, need: Message) -> Message:
        if self.mfa is None:
            from awsmfa_exec.mfa import Given, MfaCode, Refusing
            from awsmfa_exec.request import asker_for

            asker = self.asker or asker_for(self.req, self.environ)
            serial, asking = str(need.get("serial") or "") or None, None
            if not isinstance(asker, Given | Refusing):
                # A prompt: the serial and how to get the code as the caller's own files say;
                # the agent never names a serial, a command or a prompt for the client to use.
                from awsmfa_exec.config import load_chain, no_keys_read
                from awsmfa_exec.prompts import Asking

                chain = load_chain(self.req.profile, self.environ, no_keys_read)
                serial, asking = chain.mfa_serial, Asking.of(chain)
            self.mfa = MfaCode(serial, self.req.profile, asker, asking)
        return self.mfa.call(self.code_step)

    def _answer(self, need: Message) -> Message:
        from awsmfa_exec.agent.harden import before_secrets

        before_secrets()  # a code, a root's credentials or keys: off the cached path
        if need["type"] == "need_code":
            return self.answer_code(need)
        return self.answer_keys(need) if need["type"] == "need_keys" else self.answer_root()

    def answer_root(self) -> Message:
        """The root credentials of the profile's chain, fetched here, where the user's
        environment and terminal are (a credential_process may need both)."""
        # only when the agent holds nothing made from the root: off the cached path
        from awsmfa_exec.config import load_chain, no_keys_read
        from awsmfa_exec.roots import fetch

        chain = load_chain(self.req.profile, self.environ, no_keys_read)
        if not chain.source.deferred:
            raise ProtocolError(f"the agent asked for a root {self.req.profile} does not have")
        region = self.req.options.region or chain.region
        creds = fetch(chain.source, self.environ, region)
        send(self.sock, {"credentials": dump_credentials(creds)})
        return self.next()

    def answer_keys(self, need: Message) -> Message:
        """A profile's keys from this process's keyring, for an agent that reaches none: only
        for a profile this caller's own files mark `awsmfa_keys = keyring`."""
        from awsmfa_exec.config import Files, in_keyring, keyring_keys, parsed

        profile = str(need.get("profile"))
        if not in_keyring(parsed(Files.from_environ(self.environ)).get(profile, {})):
            raise ProtocolError(f"the agent asked for keys {profile} does not keep in the keyring")
        send(self.sock, {"credentials": dump_credentials(keyring_keys(profile))})
        return self.next()

    def run(self, message: Message) -> Obtained:
        from awsmfa_exec.request import Obtained

        with self.sock:
            send(self.sock, message)
            answer = self.next()
            while answer.get("type") in ("need_code", "need_root", "need_keys"):
                answer = self._answer(answer)
        if answer.get("type") == "error":
            raise load_error(answer)
        creds = load_credentials(answer.get("credentials"))
        region = answer.get("region")
        return Obtained(self.req.profile, creds, str(region) if region else None, "agent")


def _get(req: Request, environ: Mapping[str, str]) -> Message:
    config, credentials = paths(environ)
    return {
        "op": "get",
        "profile": req.profile,
        "files": [config, credentials],
        "options": req.options.to_wire(),
        "margin": refresh_margin(environ),
        "environ": _shaping(environ),
        "debug": log.debugging(),
    }


def through_agent(
    req: Request, environ: Mapping[str, str], asker: Asker | None, *, start: bool = True
) -> Obtained | None:
    """`req` answered by the agent (started first when none answers and `start`), codes
    given by `asker` (None: the caller's own prompt, made when a code is wanted); None when
    no agent can be used (the caller goes to STS itself)."""
    # With a code of its own, a request need not wait behind another client's prompt.
    message = {**_get(req, environ), "code_given": getattr(asker, "given", False)}
    path = socket_path(environ)
    try:
        sock = connect_or_start(path) if start else connect(path)
    except Untrusted as exc:
        log.note(f"not using the agent: {exc.message}; calling STS directly")
        return None
    if sock is None:
        log.debug("the agent is unavailable: calling STS directly")
        return None
    try:
        return _Conversation(sock, req, environ, asker).run(message)
    except (OSError, ProtocolError) as exc:
        log.debug(f"the agent failed ({exc}): calling STS directly")
        return None
