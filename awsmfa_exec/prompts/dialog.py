"""Running a desktop dialog (zenity, kdialog, osascript): the answer is its stdout, and
exit status 1 is the user pressing Cancel (or closing the window), as all three document."""

from __future__ import annotations

from awsmfa_exec import log
from awsmfa_exec.errors import Cancelled, ConfigError, UsageError
from awsmfa_exec.prompts import Need

DIALOG_TIMEOUT = 300
CANCEL = 1
# What zenity (exit 1, like Cancel) and Qt say when no desktop session can be reached.
_NO_DISPLAY = ("cannot open display", "could not connect to display")


def _last_words(stderr: str) -> str:
    """The tool's last line of complaint, for the error message (never the answer)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return log.printable(lines[-1].strip())[:200] if lines else ""


def answer(argv: list[str], tool: str) -> str:
    """What the user typed into the dialog that `argv` opens; Cancelled on Cancel."""
    import subprocess  # only when a dialog is shown: off the cached path

    log.debug(f"asking for the MFA code with {tool}")
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=DIALOG_TIMEOUT,
            check=False,
        )
    except OSError as exc:
        raise ConfigError(f"cannot run {tool}: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"no MFA code was entered in the {tool} dialog within {DIALOG_TIMEOUT}s"
        ) from None
    if done.returncode == CANCEL and not any(words in done.stderr for words in _NO_DISPLAY):
        raise Cancelled(f"the {tool} dialog was cancelled: no MFA code")
    if done.returncode != 0:
        said = _last_words(done.stderr)
        raise ConfigError(
            f"{tool} failed with exit status {done.returncode}" + (f": {said}" if said else "")
        )
    return done.stdout


class Dialog:
    """A desktop dialog driver: a subclass says how its tool is called (`argv`)."""

    name = "dialog"
    interactive = True

    def __init__(self, path: str) -> None:
        self.path = path
        self.origin = f"the {self.name} dialog"

    def argv(self, need: Need) -> list[str]:
        raise NotImplementedError

    def ask(self, need: Need) -> str:
        return answer(self.argv(need), self.name)
