"""Where an MFA code comes from, and the one loop that retries a call with a new code.

An `Asker` gives a code and decides whether it may be asked again (the retry policy is the
caller's choice of asker): `Given` (-t, `AWSMFA_TOKEN_CODE`), `Prompting`, `Refusing`.
`MfaCode` asks only when an STS call needs a code, and never sends an accepted one again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

from awsmfa_exec import log
from awsmfa_exec.errors import AuthError, MfaCodeRejected, UsageError
from awsmfa_exec.prompts import Asking, Driver, Need

T = TypeVar("T")

MAX_PROMPTS = 3
# Why a new code is wanted, when the last one was accepted already.
REUSED = "that MFA code was used already and STS accepts each code once"


def check_code(code: str, origin: str) -> str:
    """`code` without spaces when it is 6 digits, else a usage error naming `origin`."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise UsageError(f"the MFA code from {origin} must be 6 digits")
    return code


def second_code(profile: str) -> UsageError:
    """A run whose one code was spent and whose asker cannot give another."""
    return UsageError(
        f"profile {profile} needs a second MFA code and STS accepts each code once; run it "
        "again with the next code, or use the terminal prompt"
    )


class Asker(Protocol):
    def ask(self, need: Need) -> str:
        """A 6-digit code for `need`."""

    def may_ask_again(self, need: Need) -> bool:
        """Whether to ask for another code after the last one failed for `need.why`."""


class CodeWanted(AuthError):
    """A code is needed and this run asks no one for one (`Refusing`)."""


class Given:
    """One code the user gave up front (checked by `request.given_code`)."""

    given = True  # read by the agent's client (`through_agent`) without importing this module

    def __init__(self, code: str, origin: str) -> None:
        self.code, self.origin = code, origin

    def __repr__(self) -> str:
        return f"Given(origin={self.origin!r})"

    def ask(self, need: Need) -> str:
        return self.code

    def may_ask_again(self, need: Need) -> bool:
        return False


class Refusing:
    def ask(self, need: Need) -> str:
        raise CodeWanted(f"profile {need.profile} needs a new MFA code")

    def may_ask_again(self, need: Need) -> bool:
        return False


class Prompting:
    """The prompt driver the caller's own files and environment choose (`prompts.choose`):
    never one a session agent names."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self._driver: Driver | None = None
        self._asked = 0

    def ask(self, need: Need) -> str:
        if need.why == REUSED:
            log.note("that MFA code was used already; wait for the next one")
        elif need.why is not None:
            log.note("STS rejected that MFA code; wait for the next one and try again")
        while True:
            if self._driver is None:
                from awsmfa_exec.agent.harden import before_secrets
                from awsmfa_exec.prompts.choose import choose  # only when a code is wanted

                before_secrets()
                self._driver = choose(need.asking, need.profile, self._environ)
            self._asked += 1
            try:
                return check_code(self._driver.ask(need), self._driver.origin)
            except UsageError:
                if not self._driver.interactive or self._asked >= MAX_PROMPTS:
                    raise
                log.note("an MFA code is 6 digits; try again")

    def may_ask_again(self, need: Need) -> bool:
        driver = self._driver
        return driver is not None and driver.interactive and self._asked < MAX_PROMPTS


class MfaCode:
    """The MFA code for one serial, asked of `asker` at most once per STS call that needs
    one; `asking` is how the caller's files say to get it."""

    def __init__(
        self, serial: str | None, profile: str, asker: Asker, asking: Asking | None = None
    ) -> None:
        self.serial, self.profile, self.asker = serial, profile, asker
        self._asking = asking or Asking()
        self._code: str | None = None
        self._spent: set[str] = set()

    def __repr__(self) -> str:
        return f"MfaCode(serial={self.serial!r})"

    def _need(self, why: str | None) -> Need:
        return Need(self.serial, self.profile, why, self._asking)

    def get(self, why: str | None = None) -> str:
        """The code to send next: the one held, else a new one not sent before."""
        while self._code is None:
            code = self.asker.ask(self._need(why))
            if code not in self._spent:
                self._code = code
            elif self.asker.may_ask_again(self._need(REUSED)):
                why = REUSED
            else:
                raise second_code(self.profile)
        return self._code

    def call(self, fn: Callable[[str], T]) -> T:
        """`fn(code)`, with a new code while STS rejects one and the asker may ask again.
        A code held when `fn` fails otherwise (a role's duration limit) is kept for the
        next call."""
        why: str | None = None
        while True:
            code = self.get(why)
            try:
                result = fn(code)
            except MfaCodeRejected as exc:
                self._code = None
                if not self.asker.may_ask_again(self._need(exc.message)):
                    raise
                why = exc.message
                continue
            self._spent.add(code)
            self._code = None
            return result
