"""Credentials for many profiles from one MFA code.

Every profile is had by `obtain`, with one cache for the whole run (the MFA session every
profile shares is made once however many threads ask) and one `SharedAsker` (one code per
MFA device; once STS has refused it for good, refused again without another STS call).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace

from awsmfa_exec import log
from awsmfa_exec.chain.cache import Use
from awsmfa_exec.errors import MfaCodeRejected
from awsmfa_exec.mfa import REUSED, Asker, second_code
from awsmfa_exec.obtain import OFF, START, obtain
from awsmfa_exec.options import Options
from awsmfa_exec.prompts import Need
from awsmfa_exec.request import Obtained, Request


class _Device:
    """One MFA device's asker for the run, and what it handed out or had refused."""

    def __init__(self, asker: Asker) -> None:
        self.asker = asker
        self.lock = threading.Lock()
        self.handed: set[str] = set()
        self.refused: str | None = None


class SharedAsker:
    """The MFA codes of a whole run, one device at a time: each code is handed to one STS
    call only, and a code STS refused for good is refused to every later call."""

    def __init__(self, make: Callable[[], Asker]) -> None:
        self._make = make
        self.given: bool = getattr(make(), "given", False)  # codes given up front: -t
        self._devices: dict[tuple[str | None, str | None], _Device] = {}
        self._lock = threading.Lock()

    def _device(self, need: Need) -> _Device:
        with self._lock:
            key = (need.serial, need.asking.process)
            if key not in self._devices:
                self._devices[key] = _Device(self._make())
            return self._devices[key]

    def ask(self, need: Need) -> str:
        device = self._device(need)
        with device.lock:
            while True:
                if device.refused is not None:
                    raise MfaCodeRejected(device.refused)
                code = device.asker.ask(need)
                if code not in device.handed:
                    device.handed.add(code)
                    return code
                need = replace(need, why=REUSED)
                if not device.asker.may_ask_again(need):
                    raise second_code(need.profile)

    def may_ask_again(self, need: Need) -> bool:
        """The device's own asker decides; a code it will not replace is refused for good."""
        device = self._device(need)
        with device.lock:
            if device.asker.may_ask_again(need):
                return True
            if need.why != REUSED:
                device.refused = need.why
            return False


class Supply:
    """Credentials for the profiles of one run; `obtain` may be called from many threads."""

    def __init__(
        self, environ: Mapping[str, str], options: Options, make: Callable[[], Asker]
    ) -> None:
        self.environ, self.options = environ, options
        self.asker = SharedAsker(make)
        self.use = Use()
        self.agent_use = START  # until the agent fails once

    def obtain(self, profile: str) -> Obtained:
        """What `awsmfa exec PROFILE` would get, with the run's options."""
        request = Request(profile, None, self.options)
        got = obtain(
            request, self.environ, cache=self.use, asker=self.asker, agent_use=self.agent_use
        )
        if got.via == "direct" and self.agent_use != OFF:
            log.debug("no agent answered: the rest of the run calls STS from here")
            self.agent_use = OFF
        return got
