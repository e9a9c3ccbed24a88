"""A real Secret Service for the keyring tests: a private D-Bus session bus and an unlocked
gnome-keyring-daemon on it, started once per test session and stopped at its end.

Debian packages: `dbus` (dbus-daemon) and `gnome-keyring`. Without them the keyring tests
are skipped with the package names, except under AWSMFA_REQUIRE_SECRET_SERVICE=1, which
`.ci/run` sets (and installs both): there they fail, so CI never skips them.
Each test gets the bus in DBUS_SESSION_BUS_ADDRESS and an empty `awsmfa`
service: whatever a test stored is deleted after it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGES = {"dbus-daemon": "dbus", "gnome-keyring-daemon": "gnome-keyring"}
PASSWORD = "test-keyring-password"
READY_WITHIN = 20.0


@dataclass(frozen=True)
class SecretService:
    address: str
    data: Path  # where gnome-keyring keeps its encrypted store (login.keyring)
    version: str

    def items(self) -> list[dict[str, str]]:
        """The attributes of every item of awsmfa's service."""
        import secretstorage

        with secretstorage.dbus_init() as connection:
            collection = secretstorage.get_default_collection(connection)
            return [
                item.get_attributes() for item in collection.search_items({"service": "awsmfa"})
            ]

    def wipe(self) -> None:
        import secretstorage

        with secretstorage.dbus_init() as connection:
            collection = secretstorage.get_default_collection(connection)
            for item in collection.search_items({"service": "awsmfa"}):
                item.delete()


def _wait_until_served(address: str) -> None:
    import secretstorage

    deadline = time.monotonic() + READY_WITHIN
    saved = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = address  # secretstorage reads it from there
    try:
        while True:
            with (
                contextlib.suppress(secretstorage.exceptions.SecretStorageException),
                secretstorage.dbus_init() as connection,
            ):
                if not secretstorage.get_default_collection(connection).is_locked():
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("gnome-keyring-daemon did not serve an unlocked collection")
            time.sleep(0.1)
    finally:  # each test chooses the bus itself (the `secret_service` fixture)
        if saved is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = saved


STARTED: list[SecretService] = []


def describe() -> str:
    """The line the CI log shows above the keyring tests' results."""
    if not STARTED:
        return "no Secret Service was started"
    started = STARTED[0]
    return f"{started.version} (--unlock --components=secrets) on dbus {started.address}"


@pytest.fixture(scope="session")
def secret_service_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    missing = [PACKAGES[b] for b in PACKAGES if shutil.which(b) is None]
    if missing:
        if os.environ.get("AWSMFA_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"AWSMFA_REQUIRE_SECRET_SERVICE=1: apt-get install {' '.join(missing)}")
        pytest.skip(f"no Secret Service to test against: apt-get install {' '.join(missing)}")
    home = tmp_path_factory.mktemp("secret-service")
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_RUNTIME_DIR": str(home),
        "DBUS_SESSION_BUS_ADDRESS": address,
    }
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(PASSWORD)
    daemon.stdin.close()
    version = subprocess.run(
        ["gnome-keyring-daemon", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[0]
    try:
        _wait_until_served(address)
        STARTED.append(SecretService(address, home / "data" / "keyrings", version))
        yield STARTED[0]
    finally:
        for process in (daemon, bus):
            process.terminate()
            process.wait(timeout=10)
        bus.stdout.close()


@pytest.fixture
def secret_service(
    secret_service_session: SecretService, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SecretService]:
    """The session's Secret Service on this test's DBUS_SESSION_BUS_ADDRESS, emptied after."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_session.address)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    try:
        yield secret_service_session
    finally:
        secret_service_session.wipe()
