"""The desktop dialogs: how each tool is called, and running it. The answer is its stdout;
exit status 1 is the user pressing Cancel (or closing the window), as all three document.

- zenity (GNOME, most Linux desktops): a text entry hidden as it is typed.
- kdialog (KDE): `--password`, hidden as it is typed.
- osascript (macOS): AppleScript's `display dialog … with hidden answer`. The question is an
  argument to the script's run handler, never spliced into the script, so no profile name
  can change what the script does; Cancel makes it fail with "User canceled" (-128).
"""

from __future__ import annotations

from awsmfa_exec import log
from awsmfa_exec.errors import Cancelled, ConfigError, UsageError
from awsmfa_exec.prompts import Need, question

DIALOG_TIMEOUT = 300
CANCEL = 1
# What zenity (exit 1, like Cancel) and Qt say when no desktop session can be reached.
_NO_DISPLAY = ("cannot open display", "could not connect to display")
OSASCRIPT = (
    "on run argv",
    'display dialog (item 1 of argv) default answer "" with hidden answer '
    'with title "awsmfa" buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel"',
    "return text returned of result",
    "end run",
)


def _zenity_label(text: str) -> str:
    """`text` as zenity shows it: it undoes backslash escapes, then reads `_` as a mnemonic."""
    return text.replace("\\", "\\\\").replace("_", "__")


def _arguments(tool: str, words: str) -> list[str]:
    """What `tool` is called with to ask `words`, after its own path."""
    if tool == "zenity":
        return ["--entry", "--hide-text", "--title=awsmfa", f"--text={_zenity_label(words)}"]
    if tool == "kdialog":
        return ["--title", "awsmfa", "--password", words]
    return [*(arg for line in OSASCRIPT for arg in ("-e", line)), words]


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
    """The driver of desktop dialog `name` (zenity, kdialog, osascript) at `path`."""

    interactive = True

    def __init__(self, name: str, path: str) -> None:
        self.name, self.path = name, path
        self.origin = f"the {name} dialog"

    def argv(self, need: Need) -> list[str]:
        return [self.path, *_arguments(self.name, question(need))]

    def ask(self, need: Need) -> str:
        return answer(self.argv(need), self.name)
