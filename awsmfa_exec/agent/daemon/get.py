"""The agent's answer to a `get`: resolve the client's profile exactly as the client would,
then the same `chain.steps.credentials` as the direct path, with the agent's cache and an
asker that asks the client over its connection (`RemoteAsker`).

Anything held with less life left than the request's `margin` is made anew for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from awsmfa_exec.agent.protocol import Message, ProtocolError, dump_credentials
from awsmfa_exec.chain import steps
from awsmfa_exec.chain.cache import Cache, Caller, Use
from awsmfa_exec.config import keyring_keys, load_chain
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.files import Files
from awsmfa_exec.keystore import NoKeyring
from awsmfa_exec.mfa import MfaCode, check_code
from awsmfa_exec.options import Options
from awsmfa_exec.prompts import Need

# (serial, profile, why the last code failed) -> the code the client found itself: the agent
# never names a command for a client to run.
AskCode = Callable[[str | None, str, str | None], str]
# (what, profile) -> credentials the client holds: "need_root", a chain's root botocore
# resolves (with the client's environment and terminal), or "need_keys" from its keyring.
AskClient = Callable[[str, str], Credentials]

# A keyring read costs tens of milliseconds of D-Bus; `clear` (add, remove, import and rotate
# send one) forgets the keys at once.
KEYRING_HOLD = 300.0


class HeldKeys:
    """`config.keyring_keys`, each profile's held for KEYRING_HOLD seconds. When this
    process reaches no keyring, the client is asked for the keys (it reads its own)."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[float, Credentials]] = {}
        self._lock = threading.Lock()

    def read(self, profile: str, ask: AskClient) -> Credentials:
        with self._lock:
            held = self._keys.get(profile)
        if held is not None and time.monotonic() - held[0] < KEYRING_HOLD:
            return held[1]
        try:
            keys = keyring_keys(profile)
        except NoKeyring:
            keys = ask("need_keys", profile)
        with self._lock:
            self._keys[profile] = (time.monotonic(), keys)
        return keys

    def forget(self) -> None:
        with self._lock:
            self._keys.clear()


class RemoteAsker:
    """The MFA code, asked of the client, which decides itself whether to ask its user again
    (so the agent always may). What comes over the socket is checked here."""

    def __init__(self, ask: AskCode) -> None:
        self._ask = ask

    def ask(self, need: Need) -> str:
        return check_code(self._ask(need.serial, need.profile, need.why), "the client")

    def may_ask_again(self, need: Need) -> bool:
        return True


def handle_get(
    request: Message,
    cache: Cache,
    keys: HeldKeys,
    ask: AskCode,
    caller: Caller,
    ask_client: AskClient,
) -> Message:
    """Answer a `get` request with credentials; AwsmfaError when the client's call would fail.
    `caller` is this request in the cache's single flight (see `Cache.asking`)."""
    environ = request.get("environ")
    if not isinstance(environ, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in environ.items()
    ):
        raise ProtocolError("environ must map strings to strings")
    paths = request.get("files")
    if not (isinstance(paths, list) and len(paths) == 2 and all(isinstance(p, str) for p in paths)):
        raise ProtocolError("files must be the config and credentials paths")
    margin = request.get("margin", 0)
    if not isinstance(margin, int) or isinstance(margin, bool) or margin < 0:
        raise ProtocolError("margin must be a whole number of seconds")
    files = Files(Path(paths[0]), Path(paths[1]))
    options = Options.from_wire(request.get("options") or {})
    profile = str(request.get("profile"))
    chain = load_chain(profile, environ, lambda name: keys.read(name, ask_client), files)
    mfa = MfaCode(chain.mfa_serial, chain.profile, RemoteAsker(ask))
    use = Use(cache, margin, caller)
    root = partial(ask_client, "need_root", profile)  # asked of the client when a call needs it
    creds, region = steps.credentials(chain, options, mfa, environ, use, root)
    return {
        "type": "credentials",
        "profile": profile,
        "credentials": dump_credentials(creds),
        "region": region,
    }
