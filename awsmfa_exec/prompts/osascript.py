"""The `osascript` driver (macOS): AppleScript's `display dialog … default answer "" with
hidden answer`. The question is passed as an argument to the script's run handler, never
spliced into the script, so no profile name can change what the script does. Cancel makes
`display dialog` fail with "User canceled" (-128), and osascript exit 1."""

from __future__ import annotations

from awsmfa_exec.prompts import Need, question
from awsmfa_exec.prompts.dialog import Dialog

SCRIPT = (
    "on run argv",
    'display dialog (item 1 of argv) default answer "" with hidden answer '
    'with title "awsmfa" buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel"',
    "return text returned of result",
    "end run",
)


class Osascript(Dialog):
    name = "osascript"

    def argv(self, need: Need) -> list[str]:
        script = [arg for line in SCRIPT for arg in ("-e", line)]
        return [self.path, *script, question(need)]
