"""Long-term keys in the OS keyring: one entry per profile, never in a plaintext file.

The only module that imports `keyring`. Only backends that keep secrets encrypted by the
system are used: the fail and null backends and every `keyrings.alt` file backend are
refused. A cached `exec` never imports this module.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import ConfigError

SERVICE = "awsmfa"
# The backends that keep secrets in the operating system's own encrypted store.
_SYSTEM = ("SecretService", "libsecret", "kwallet", "macOS", "Windows")
_SYSTEM_BACKENDS = {f"keyring.backends.{name}" for name in _SYSTEM}
# Each system's own store, as (module in keyring.backends, class); else the Secret Service.
_PLATFORMS = {"darwin": ("macOS", "Keyring"), "win32": ("Windows", "WinVaultKeyring")}
INSTALL_HINT = (
    "no OS keyring to keep keys in: on Linux run a Secret Service in your D-Bus session "
    "(Debian: apt-get install gnome-keyring dbus-user-session, or KeePassXC with its "
    "Secret Service on); plaintext file keyrings are refused"
)


class NoKeyring(ConfigError):
    """No OS keyring can be reached from this process (no Secret Service on its bus)."""


class ForeignEntry(ConfigError):
    """The keyring holds an entry under awsmfa's service that awsmfa did not write."""


def _system_backends(chosen: Any) -> list[Any]:
    parts = getattr(chosen, "backends", None)
    candidates = list(parts) if parts is not None else [chosen]
    return [b for b in candidates if type(b).__module__ in _SYSTEM_BACKENDS]


def _platform_backend() -> tuple[Any, str]:
    """This system's own store, without keyring's detection (which imports every backend,
    and on Linux runs a C compiler to look for macOS libraries); why not, when unusable."""
    module, name = _PLATFORMS.get(sys.platform, ("SecretService", "Keyring"))
    kind = getattr(importlib.import_module(f"keyring.backends.{module}"), name)
    try:
        kind.priority  # noqa: B018 - raises when the store cannot be reached
    except Exception as exc:  # RuntimeError, or a D-Bus failure of any kind
        return None, str(exc) or type(exc).__name__
    return kind(), ""


def backend() -> Any:
    """The keyring backend to use: the one PYTHON_KEYRING_BACKEND or keyring's own config
    file names, else the system's; ConfigError naming what to install when none fits."""
    try:
        from keyring import core
    except ImportError:
        raise NoKeyring(INSTALL_HINT + " (and pip install keyring)") from None
    why = ""
    chosen = core.load_env() or core.load_config()
    if chosen is None:
        chosen, why = _platform_backend()
    usable = _system_backends(chosen) if chosen is not None else []
    if not usable:
        raise NoKeyring(INSTALL_HINT + (f" ({why})" if why else ""))
    return usable[0]


def backend_name() -> str:
    return type(backend()).__module__.rsplit(".", 1)[-1]


def _refused(action: str, profile: str, exc: Exception) -> ConfigError:
    from keyring.errors import KeyringError

    reason = str(exc) if isinstance(exc, KeyringError) and str(exc) else type(exc).__name__
    return ConfigError(f"the keyring refused to {action} the keys of {profile}: {reason}")


def _entry(profile: str) -> tuple[Credentials, str] | None:
    """The keys held for `profile` and the credentials file of the AWS files they were
    written for (entries of older versions name none: ~/.aws/credentials)."""
    store = backend()
    try:
        raw = store.get_password(SERVICE, profile)
    except Exception as exc:  # D-Bus and backend errors of every kind: one line
        raise _refused("read", profile, exc) from None
    if raw is None:
        return None
    try:
        value = json.loads(raw)
        keys = Credentials(str(value["aws_access_key_id"]), str(value["aws_secret_access_key"]))
    except (ValueError, KeyError, TypeError):
        raise ForeignEntry(
            f"the keyring entry {SERVICE}/{profile} is not one awsmfa wrote; "
            f"replace it with `awsmfa add {profile}`"
        ) from None
    return keys, str(value.get("credentials_file") or Path("~/.aws/credentials").expanduser())


def read(profile: str) -> Credentials | None:
    """The keys the keyring holds for `profile`, None when it holds none."""
    entry = _entry(profile)
    return None if entry is None else entry[0]


def origin(profile: str) -> tuple[Credentials, str] | None:
    """`_entry`, None also for an entry awsmfa did not write (it may be replaced); a keyring
    that cannot be reached or read is an error, never taken for an empty one."""
    try:
        return _entry(profile)
    except ForeignEntry:
        return None


def write(profile: str, keys: Credentials, credentials_file: str | None = None) -> None:
    """Keep `keys` for `profile`, recording the credentials file of the AWS files they are
    for (`credentials_file`, else the one the entry already names)."""
    if credentials_file is None:
        held = origin(profile)
        credentials_file = held[1] if held else None
    value = {
        "aws_access_key_id": keys.access_key_id,
        "aws_secret_access_key": keys.secret_access_key,
        "credentials_file": credentials_file,
    }
    store = backend()
    try:
        store.set_password(SERVICE, profile, json.dumps(value))
    except Exception as exc:
        raise _refused("store", profile, exc) from None


def delete(profile: str) -> None:
    """Forget `profile`'s keys, if the keyring holds any."""
    store = backend()
    if read(profile) is None:
        return
    try:
        store.delete_password(SERVICE, profile)
    except Exception as exc:
        raise _refused("delete", profile, exc) from None
