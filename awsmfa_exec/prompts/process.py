"""The `mfa_process` driver: the profile's own shell command, whose stdout is the code."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from awsmfa_exec import log
from awsmfa_exec.prompts import Need
from awsmfa_exec.prompts.waiting import Waiting, run_waiting


def program_name(command: str) -> str:
    """The program a shell command starts, for "waiting for …": `ykman` for `ykman oath …`."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return Path(words[0]).name if words else "mfa_process"


class MfaProcess:
    name = "mfa_process"
    interactive = False  # the same command would give the same code

    def __init__(self, command: str, profile: str, environ: Mapping[str, str]) -> None:
        self.command = command
        self.origin = f"mfa_process of profile {profile}"
        self.environ = environ

    def ask(self, need: Need) -> str:
        log.debug(f"running mfa_process of profile {need.profile}")
        job = Waiting(self.command, program_name(self.command), self.origin)
        return run_waiting(job, self.environ)
