"""`awsmfa` with a keyring that fails once on purpose: `python -m tests.support.keyring_fault
ARGS...` runs the installed entry point after making the first read that follows a write
of the real Secret Service backend raise, as a D-Bus hiccup or a locked collection does.
The write itself lands: the keyring then holds what was written, but the writer cannot
see it. With `--reads-fail` first, every read fails instead."""

from __future__ import annotations

import sys
from typing import Any


def _inject(reads_fail: bool) -> None:
    from keyring.backends import SecretService
    from keyring.errors import KeyringError

    real_get, real_set = SecretService.Keyring.get_password, SecretService.Keyring.set_password
    state = {"written": False, "fired": False}

    def set_password(self: Any, service: str, username: str, password: str) -> None:
        real_set(self, service, username, password)  # type: ignore[no-untyped-call]
        state["written"] = True

    def get_password(self: Any, service: str, username: str) -> str | None:
        if reads_fail or (state["written"] and not state["fired"]):
            state["fired"] = True
            raise KeyringError("injected fault: the collection could not be read")
        result: str | None = real_get(self, service, username)  # type: ignore[no-untyped-call]
        return result

    SecretService.Keyring.set_password = set_password  # type: ignore[method-assign]
    SecretService.Keyring.get_password = get_password  # type: ignore[method-assign]


if __name__ == "__main__":
    from awsmfa_exec.entry import main

    reads_fail = sys.argv[1:2] == ["--reads-fail"]
    _inject(reads_fail)
    sys.argv[0:1 + reads_fail] = ["awsmfa"]
    main()
