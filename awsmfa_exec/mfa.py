"""Where an MFA code comes from: the option, AWSMFA_TOKEN_CODE, mfa_process, the terminal.

A code is fetched only when an STS call needs it, so a cached path never prompts. A code
that is not 6 digits is refused before any network call. When STS rejects a code typed at
the terminal, the prompt asks again, up to `MAX_PROMPTS` times. A code STS accepted is never
sent again (AWS refuses a code twice): a second call that needs one asks for the next code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from awsmfa_exec import log
from awsmfa_exec.errors import ConfigError, MfaCodeRejected, UsageError

T = TypeVar("T")

MAX_PROMPTS = 3
PROCESS_TIMEOUT = 60
_CODE = re.compile(r"\d{6}\Z")

HOW_TO_GIVE_A_CODE = (
    "pass it with -t/--token-code CODE or AWSMFA_TOKEN_CODE, or set mfa_process in the profile"
)


def check_code(code: str, origin: str) -> str:
    code = code.strip()
    if not _CODE.match(code):
        raise UsageError(f"the MFA code from {origin} must be 6 digits")
    return code


class MfaCode:
    """The MFA code for one serial, asked for at most once per STS call that needs it."""

    def __init__(
        self,
        serial: str | None,
        *,
        given: str | None = None,
        given_origin: str = "--token-code",
        process: str | None = None,
        profile: str = "",
    ) -> None:
        self.serial = serial
        self.profile = profile
        self._given = check_code(given, given_origin) if given is not None else None
        self._process = process
        self._code: str | None = None
        self._spent: set[str] = set()
        self._prompts = 0

    def __repr__(self) -> str:
        return f"MfaCode(serial={self.serial!r})"

    def get(self) -> str:
        while self._code is None:
            code = self._fetch()
            if code not in self._spent:
                self._code = code
            elif self._may_ask_again():
                log.note("that MFA code was used already; wait for the next one")
            else:
                raise UsageError(
                    f"profile {self.profile} needs a second MFA code and STS accepts each code "
                    "once; run it again with the next code, or use the terminal prompt"
                )
        return self._code

    def _fetch(self) -> str:
        if self._given is not None:
            return self._given
        if self._process:
            return self._run_process(self._process)
        return self._prompt()

    def _run_process(self, command: str) -> str:
        import subprocess  # only for mfa_process: off the cached path

        log.debug(f"running mfa_process of profile {self.profile}")
        try:
            done = subprocess.run(  # noqa: S602 - mfa_process is a shell command by definition
                command,
                shell=True,
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                timeout=PROCESS_TIMEOUT,
                check=False,
                text=True,
            )
        except subprocess.TimeoutExpired:
            raise ConfigError(
                f"mfa_process of profile {self.profile} gave no code in {PROCESS_TIMEOUT}s"
            ) from None
        if done.returncode != 0:
            raise ConfigError(
                f"mfa_process of profile {self.profile} failed with exit status {done.returncode}"
            )
        return check_code(done.stdout, f"mfa_process of profile {self.profile}")

    def _prompt(self) -> str:
        try:
            # Unbuffered bytes: a terminal cannot seek, which buffered "r+" would demand.
            tty = open("/dev/tty", "r+b", buffering=0)  # noqa: SIM115, PTH123
        except OSError:
            raise UsageError(
                f"profile {self.profile} needs an MFA code and there is no terminal to ask "
                f"on: {HOW_TO_GIVE_A_CODE}"
            ) from None
        with tty:
            self._prompts += 1
            tty.write(f"MFA code for {self.serial}: ".encode())
            line = tty.readline().decode("utf-8", "replace")
            if not line:
                raise UsageError(f"no MFA code was entered: {HOW_TO_GIVE_A_CODE}")
            return check_code(line, "the terminal")

    def _may_ask_again(self) -> bool:
        return self._given is None and not self._process and self._prompts < MAX_PROMPTS

    def call(self, fn: Callable[[str], T]) -> T:
        """`fn(code)`, asking again at the terminal while STS rejects a typed code."""
        while True:
            code = self.get()
            try:
                result = fn(code)
            except MfaCodeRejected:
                self._code = None
                if not self._may_ask_again():
                    raise
                log.note("STS rejected that MFA code; wait for the next one and try again")
                continue
            self._spent.add(code)
            self._code = None
            return result
