"""Which driver asks for the code, from the client's own files and environment only.

First that applies: `AWSMFA_PROMPT`, the profile's `mfa_process`, its `mfa_prompt`; the
terminal; the desktop's dialog (osascript; zenity or kdialog, kdialog first on KDE); else
an error that says how to give a code.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping

from awsmfa_exec.errors import AwsmfaError, ConfigError, UsageError
from awsmfa_exec.prompts import Asking, Driver
from awsmfa_exec.prompts import terminal as tty

DRIVERS = ("terminal", "zenity", "kdialog", "osascript", "ykman")


def _locate(tool: str, environ: Mapping[str, str]) -> str | None:
    return shutil.which(tool, path=environ.get("PATH"))


def _tool(tool: str, path: str, asking: Asking, environ: Mapping[str, str]) -> Driver:
    if tool != "ykman":
        from awsmfa_exec.prompts.dialog import Dialog

        return Dialog(tool, path)
    from awsmfa_exec.prompts.ykman import Ykman

    return Ykman(path, asking.ykman_account, environ)


def named(name: str, origin: str, asking: Asking, environ: Mapping[str, str]) -> Driver:
    """The driver `name` as `origin` (AWSMFA_PROMPT, or a profile's mfa_prompt) asks for."""
    error: type[AwsmfaError] = UsageError if origin == "AWSMFA_PROMPT" else ConfigError
    if name not in DRIVERS:
        raise error(f"{origin} = {name!r} is not a prompt; choose one of: {', '.join(DRIVERS)}")
    if name == "terminal":
        return tty.Terminal()
    path = _locate(name, environ)
    if path is None:
        raise error(f"{origin} = {name}, but {name} is not on PATH; install it or choose another")
    return _tool(name, path, asking, environ)


def desktop(environ: Mapping[str, str], platform: str = sys.platform) -> Driver | None:
    """The dialog this session can show, if any."""
    if platform == "darwin":
        tools: tuple[str, ...] = ("osascript",)
    elif environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        kde = "KDE" in environ.get("XDG_CURRENT_DESKTOP", "").upper()
        tools = ("kdialog", "zenity") if kde else ("zenity", "kdialog")
    else:
        return None
    for tool in tools:
        path = _locate(tool, environ)
        if path is not None:
            return _tool(tool, path, Asking(), environ)
    return None


def choose(asking: Asking, profile: str, environ: Mapping[str, str]) -> Driver:
    override = environ.get("AWSMFA_PROMPT", "").strip()
    if override:
        return named(override, "AWSMFA_PROMPT", asking, environ)
    if asking.process:
        from awsmfa_exec.prompts.process import MfaProcess

        return MfaProcess(asking.process, profile, environ)
    if asking.prompt:
        return named(asking.prompt, f"mfa_prompt of profile {profile}", asking, environ)
    if tty.present():
        return tty.Terminal()
    found = desktop(environ)
    if found is not None:
        return found
    raise tty.no_terminal(profile)
