"""Prompt drivers: each turns "a code for SERIAL, profile P" into what the user gave, or a
cancel (`errors.Cancelled`, exit 130).

Drivers run in the client only, from its own files and environment (`choose`): the agent
never names a driver or a command. The caller checks that a code is 6 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from awsmfa_exec.log import printable

if TYPE_CHECKING:
    from awsmfa_exec.config import Chain

HOW_TO_GIVE_A_CODE = (
    "pass it with -t/--token-code CODE or AWSMFA_TOKEN_CODE, or set mfa_prompt "
    "(zenity, kdialog, osascript, ykman) or mfa_process in the profile"
)


@dataclass(frozen=True)
class Asking:
    """How a profile's own files say to get a code: the nearest setting of each key."""

    process: str | None = None  # mfa_process
    prompt: str | None = None  # mfa_prompt
    ykman_account: str | None = None  # mfa_ykman_account

    @classmethod
    def of(cls, chain: Chain) -> Asking:
        return cls(chain.mfa_process, chain.mfa_prompt, chain.mfa_ykman_account)


@dataclass(frozen=True)
class Need:
    """What an asker is asked for: a code for `serial`, for `profile`; `why` the last code
    failed (None for the first), and how the caller's own files say to get one."""

    serial: str | None
    profile: str
    why: str | None = None
    asking: Asking = Asking()

    @property
    def rejected(self) -> bool:
        """A code was asked for before and failed."""
        return self.why is not None


class Driver(Protocol):
    name: str
    origin: str  # where the code came from, for the message when it is not 6 digits
    interactive: bool  # a person answers: worth asking again when STS rejects a code

    def ask(self, need: Need) -> str: ...


def question(need: Need) -> str:
    """The words a dialog shows."""
    ask = f"MFA code for {printable(str(need.serial))} (profile {printable(need.profile)}):"
    return f"STS rejected that code; wait for the next one.\n{ask}" if need.rejected else ask
