"""The `terminal` driver: ask on /dev/tty, which works while stdout is captured by `$(...)`."""

from __future__ import annotations

from awsmfa_exec.errors import UsageError
from awsmfa_exec.log import printable
from awsmfa_exec.prompts import HOW_TO_GIVE_A_CODE, Need


def present() -> bool:
    """Whether this process has a terminal to ask on."""
    try:
        with open("/dev/tty", "rb", buffering=0):  # noqa: PTH123
            return True
    except OSError:
        return False


def no_terminal(profile: str) -> UsageError:
    return UsageError(
        f"profile {profile} needs an MFA code and there is no terminal to ask on: "
        f"{HOW_TO_GIVE_A_CODE}"
    )


class Terminal:
    name = "terminal"
    origin = "the terminal"
    interactive = True

    def ask(self, need: Need) -> str:
        try:
            # Unbuffered bytes: a terminal cannot seek, which buffered "r+" would demand.
            tty = open("/dev/tty", "r+b", buffering=0)  # noqa: SIM115, PTH123
        except OSError:
            raise no_terminal(need.profile) from None
        with tty:
            tty.write(f"MFA code for {printable(str(need.serial))}: ".encode())
            line = tty.readline().decode("utf-8", "replace")
        if not line:
            raise UsageError(f"no MFA code was entered: {HOW_TO_GIVE_A_CODE}")
        return line
