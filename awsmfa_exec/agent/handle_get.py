"""The agent's side of a `get`: resolve the client's profile exactly as the client would,
then serve it from the store, or make the STS calls, asking the client for a code if needed.

Parsed AWS files are kept by their stat signature, so a large config is parsed once and an
edited one is parsed again. Credentials are keyed by what produced them (keys, serial, role
ARNs, options, endpoint), never by profile name alone: an edited chain is never served stale.
A root botocore resolves (a credential_process, a web identity, SSO, login) is keyed by its
profile's settings, and its credentials are asked of the client only when an STS call
needs them (`ClientRoot`); the store remembers whether they were temporary, so the next
chain on that root is planned without asking for them (`providers.RootFirst`).
A request's `margin` (the client's refresh margin) says how much life what it gets must have
left: anything held with less, the MFA session or the role, is made anew for it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from awsmfa_exec import providers
from awsmfa_exec.agent.protocol import Message, ProtocolError, dump_credentials
from awsmfa_exec.agent.store import Caller, Store
from awsmfa_exec.config import Chain, Profiles, keyring_keys, load_profiles, resolve
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.files import Files
from awsmfa_exec.mfa import MfaCode, check_code
from awsmfa_exec.options import Options

T = TypeVar("T")

# Asks the client for a code: (serial, profile, why the last one failed) -> code. The client
# finds the code itself (its option, its own mfa_process, its terminal): the agent never
# names a command for a client to run.
AskCode = Callable[[str | None, str, str | None], str]
# Asks the client for the credentials at the root of a profile's chain that botocore
# resolves (`roots`): the client fetches them with its own environment and terminal.
AskRoot = Callable[[str], Credentials]

_KEEP_PARSED = 8
# How long a key read from the keyring is reused before the keyring is asked again (a read
# costs tens of milliseconds of D-Bus and key exchange). `clear` forgets them at once, and
# add/remove/import/rotate send a `clear`.
KEYRING_HOLD = 300.0


def _signature(path: Path) -> tuple[int, ...] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class ParsedFiles:
    """`load_profiles` results, reused while neither file's stat signature changes."""

    def __init__(self) -> None:
        self._parsed: dict[Files, tuple[object, Profiles]] = {}
        self._keys: dict[str, tuple[float, Credentials]] = {}
        self._lock = threading.Lock()

    def keyring_keys(self, profile: str) -> Credentials:
        """`config.keyring_keys`, held for KEYRING_HOLD seconds."""
        with self._lock:
            held = self._keys.get(profile)
        if held is not None and time.monotonic() - held[0] < KEYRING_HOLD:
            return held[1]
        keys = keyring_keys(profile)
        with self._lock:
            self._keys[profile] = (time.monotonic(), keys)
        return keys

    def forget_keys(self) -> None:
        with self._lock:
            self._keys.clear()

    def profiles(self, files: Files) -> Profiles:
        signature = (_signature(files.config), _signature(files.credentials))
        with self._lock:
            held = self._parsed.get(files)
            if held is not None and held[0] == signature:
                return held[1]
        profiles = load_profiles(files)
        with self._lock:
            if len(self._parsed) >= _KEEP_PARSED:
                self._parsed.pop(next(iter(self._parsed)))
            self._parsed[files] = (signature, profiles)
        return profiles


class ClientCode(MfaCode):
    """The MFA code, asked of the client over its connection when STS needs one.

    `MfaCode.call`'s loop with the client as the asker: it is told why the last code failed
    and decides itself whether to ask its user again (it ends the conversation when not).
    One code serves every retry of a call (a shorter duration for a role's limit) until
    STS accepts or rejects it; a code STS accepted is never sent again."""

    def __init__(self, chain: Chain, ask: AskCode) -> None:
        super().__init__(chain.mfa_serial, profile=chain.profile)
        self._ask = ask

    def _fetch(self, why: str | None) -> str:
        return check_code(self._ask(self.serial, self.profile, why), "the client")

    def _may_ask_again(self) -> bool:
        return True

    def _asking_again(self, note: str) -> None:
        """Nothing to say here: the client is told why in the next `need_code`."""


class ClientRoot:
    """The chain's root credentials, asked of the client once, when an STS call needs them;
    whether they are temporary is told to `remember` (the store keeps it for the root)."""

    def __init__(self, profile: str, ask: AskRoot, remember: Callable[[bool], None]) -> None:
        self._profile, self._ask, self._remember = profile, ask, remember
        self._got: Credentials | None = None

    def retrieve(self) -> Credentials:
        if self._got is None:
            self._got = self._ask(self._profile)
            self._remember(self._got.session_token is not None)
        return self._got


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _identity(chain: Chain) -> tuple[str, ...]:
    """What the chain's credentials are made from: its keys, or a deferred root's settings
    (its temporary credentials change with each fetch, its settings do not)."""
    source = chain.source
    if source.deferred:
        return ("root", source.origin, source.profile, _key(source.settings))
    keys = source.credentials
    return (
        keys.access_key_id,
        hashlib.sha256(keys.secret_access_key.encode()).hexdigest(),
        hashlib.sha256((keys.session_token or "").encode()).hexdigest(),
    )


def _wrapper(
    store: Store, chain: Chain, options: Options, margin: int, caller: Caller
) -> providers.Wrap:
    identity = _identity(chain)

    def wrap(inner: providers.Provider, step: str) -> providers.Provider:
        url = getattr(getattr(inner, "endpoint", None), "url", None)
        if step == "session":
            duration = getattr(inner, "duration", None)  # a RootFirst's: none of its own
            key = _key("session", identity, chain.mfa_serial, url, duration)
            label = chain.source.profile
            return Kept(store, key, "mfa-session", label, chain.profile, inner, margin, caller)
        hops = [(h.role_arn, h.external_id, h.session_name, h.duration_seconds) for h in chain.hops]
        shape = (options.duration, options.no_session, url)
        key = _key("role", identity, chain.mfa_serial, hops, shape)
        return Kept(store, key, "role", chain.profile, chain.profile, inner, margin, caller)

    return wrap


class Kept:
    """A provider whose result the store keeps, made once however many ask at once."""

    def __init__(
        self,
        store: Store,
        key: str,
        kind: str,
        label: str,
        user: str,
        inner: providers.Provider,
        margin: int,
        caller: Caller,
    ) -> None:
        self.store, self.key, self.kind, self.label, self.user = store, key, kind, label, user
        self.inner, self.margin, self.caller = inner, margin, caller

    def retrieve(self) -> Credentials:
        inner = self.inner.retrieve
        return self.store.get_or_make(
            self.key, self.kind, self.label, self.user, inner, self.margin, self.caller
        )


def _strings(raw: Any, what: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise ProtocolError(f"{what} must map strings to strings")
    return raw


def handle_get(
    request: Message,
    store: Store,
    parsed: ParsedFiles,
    ask: AskCode,
    caller: Caller,
    ask_root: AskRoot | None = None,
) -> Message:
    """Answer a `get` request with credentials; AwsmfaError when the client's call would fail.
    `caller` is this request in the store's single flight (see `Store.asking`)."""
    environ: Mapping[str, str] = _strings(request.get("environ"), "environ")
    paths = request.get("files")
    if not (isinstance(paths, list) and len(paths) == 2 and all(isinstance(p, str) for p in paths)):
        raise ProtocolError("files must be the config and credentials paths")
    options = Options.from_wire(request.get("options") or {})
    margin = request.get("margin", 0)
    if not isinstance(margin, int) or isinstance(margin, bool) or margin < 0:
        raise ProtocolError("margin must be a whole number of seconds")
    profile = str(request.get("profile"))
    files = Files(Path(paths[0]), Path(paths[1]))
    chain = resolve(profile, parsed.profiles(files), files, environ, parsed.keyring_keys)
    root, expect_temporary = None, None
    if chain.source.deferred and ask_root:
        identity = _identity(chain)
        root = ClientRoot(profile, ask_root, partial(store.remember_root, identity))
        expect_temporary = store.root_temporary(identity)
    provider, region = providers.for_chain(
        chain,
        options,
        ClientCode(chain, ask),
        environ,
        _wrapper(store, chain, options, margin, caller),
        root,
        expect_temporary,
    )
    creds = provider.retrieve()
    return {
        "type": "credentials",
        "profile": profile,
        "credentials": dump_credentials(creds),
        "region": region,
    }
