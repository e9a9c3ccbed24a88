"""Running a command that may wait for a touch (ykman, an mfa_process): when it has given
nothing after `NOTICE_AFTER` seconds, say so once where a person will see it.

That is /dev/tty, since stdout carries the answer and stderr may be captured
(`credential_process`); with no terminal, a desktop notification where there is one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from awsmfa_exec import log
from awsmfa_exec.errors import ConfigError

NOTICE_AFTER = 1.0
PROCESS_TIMEOUT = 60


@dataclass(frozen=True)
class Waiting:
    """The command and how to speak of it."""

    command: str | list[str]  # a string runs through the shell (mfa_process)
    waiting_for: str  # in "waiting for …": the program's name
    described: str  # in errors: "mfa_process of profile dev", "ykman"


def _on_terminal(line: str) -> bool:
    try:
        with open("/dev/tty", "wb", buffering=0) as tty:  # noqa: PTH123
            tty.write(f"{line}\n".encode())
    except OSError:
        return False
    return True


def _notify(text: str, environ: Mapping[str, str]) -> None:
    """A desktop notification, when the session can show one; nothing otherwise."""
    path = environ.get("PATH")
    if sys.platform == "darwin" and (osascript := shutil.which("osascript", path=path)):
        script = 'on run argv\ndisplay notification (item 1 of argv) with title "awsmfa"\nend run'
        argv = [osascript, "-e", script, text]
    elif (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")) and (
        notify_send := shutil.which("notify-send", path=path)
    ):
        argv = [notify_send, "--app-name=awsmfa", "awsmfa", text]
    else:
        return
    try:
        subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug(f"no desktop notification: {exc}")


def tell_waiting(waiting_for: str, environ: Mapping[str, str]) -> None:
    text = f"waiting for {waiting_for} (touch your key?)"
    if not _on_terminal(f"awsmfa: {text}"):
        _notify(text, environ)


def run_waiting(job: Waiting, environ: Mapping[str, str]) -> str:
    """The command's stdout; ConfigError when it fails or gives nothing in time. Its stderr
    is the user's (ykman's own "Touch your YubiKey" goes there)."""
    try:
        process = subprocess.Popen(
            job.command,
            shell=isinstance(job.command, str),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        raise ConfigError(f"cannot run {job.described}: {exc.strerror or exc}") from None
    try:
        try:
            out, _ = process.communicate(timeout=NOTICE_AFTER)
        except subprocess.TimeoutExpired:
            tell_waiting(job.waiting_for, environ)
            out, _ = process.communicate(timeout=PROCESS_TIMEOUT - NOTICE_AFTER)
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{job.described} gave no code in {PROCESS_TIMEOUT}s") from None
    finally:
        if process.poll() is None:  # timed out or interrupted: leave nothing running
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    if process.returncode != 0:
        raise ConfigError(f"{job.described} failed with exit status {process.returncode}")
    return out
