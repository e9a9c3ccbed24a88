"""Where an MFA code comes from: the option or AWSMFA_TOKEN_CODE, else a prompt driver
(`prompts`: mfa_process, the terminal, a desktop dialog, ykman).

A code is fetched only when an STS call needs it, so a cached path never prompts. A code
that is not 6 digits is refused before any network call. When STS rejects a code a person
typed, the driver asks again, up to `MAX_PROMPTS` times. A code STS accepted is never sent
again (AWS refuses a code twice): a second call that needs one asks for the next code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from awsmfa_exec import log
from awsmfa_exec.errors import MfaCodeRejected, UsageError
from awsmfa_exec.prompts import HOW_TO_GIVE_A_CODE as HOW_TO_GIVE_A_CODE  # noqa: PLC0414
from awsmfa_exec.prompts import Asking, Driver, Need

T = TypeVar("T")

MAX_PROMPTS = 3
# Why a new code is wanted: told to an asker elsewhere (the agent's client, `ClientCode`).
REUSED = "that MFA code was used already and STS accepts each code once"
# The same, said to the person at this process's prompt.
REJECTED_NOTE = "STS rejected that MFA code; wait for the next one and try again"
REUSED_NOTE = "that MFA code was used already; wait for the next one"
_CODE = re.compile(r"\d{6}\Z")


def check_code(code: str, origin: str) -> str:
    code = code.strip()
    if not _CODE.match(code):
        raise UsageError(f"the MFA code from {origin} must be 6 digits")
    return code


class MfaCode:
    """The MFA code for one serial, asked for at most once per STS call that needs it.

    `asking` and `environ` are the caller's own: the client's files and environment choose
    the driver (`prompts.choose`), never a session agent."""

    def __init__(
        self,
        serial: str | None,
        *,
        given: str | None = None,
        given_origin: str = "--token-code",
        asking: Asking | None = None,
        profile: str = "",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.serial = serial
        self.profile = profile
        self._given = check_code(given, given_origin) if given is not None else None
        self._asking = asking or Asking()
        self._environ = os.environ if environ is None else environ
        self._driver: Driver | None = None
        self._code: str | None = None
        self._spent: set[str] = set()
        self._prompts = 0

    def __repr__(self) -> str:
        return f"MfaCode(serial={self.serial!r})"

    def get(self, why: str | None = None) -> str:
        """The code to send next: the one held, else a new one not sent before."""
        while self._code is None:
            code = self._fetch(why)
            if code not in self._spent:
                self._code = code
            elif self._may_ask_again():
                why = REUSED
                self._asking_again(REUSED_NOTE)
            else:
                raise UsageError(
                    f"profile {self.profile} needs a second MFA code and STS accepts each code "
                    "once; run it again with the next code, or use the terminal prompt"
                )
        return self._code

    def call(self, fn: Callable[[str], T]) -> T:
        """`fn(code)`, with a new code while STS rejects one and `_may_ask_again` allows.

        The one retry loop, on both sides of the agent's socket: here the policy is the
        driver's (a person at a prompt gets MAX_PROMPTS tries); the agent's `ClientCode`
        overrides the three steps below to ask its client instead. A code held when `fn`
        fails otherwise (a role's duration limit) is kept for the next call."""
        why: str | None = None
        while True:
            code = self.get(why)
            try:
                result = fn(code)
            except MfaCodeRejected as exc:
                self._code = None
                if not self._may_ask_again():
                    raise
                why = exc.message
                self._asking_again(REJECTED_NOTE)
                continue
            self._spent.add(code)
            self._code = None
            return result

    def _fetch(self, why: str | None) -> str:
        """A new code from the option or the prompt driver (`why` is for a remote asker;
        a driver says a code was rejected from its own count)."""
        if self._given is not None:
            return self._given
        if self._driver is None:
            from awsmfa_exec.prompts.choose import choose  # only when a code is wanted

            self._driver = choose(self._asking, self.profile, self._environ)
        self._prompts += 1
        need = Need(self.serial, self.profile, rejected=self._prompts > 1)
        return check_code(self._driver.ask(need), self._driver.origin)

    def _may_ask_again(self) -> bool:
        driver = self._driver
        return driver is not None and driver.interactive and self._prompts < MAX_PROMPTS

    def _asking_again(self, note: str) -> None:
        log.note(note)
