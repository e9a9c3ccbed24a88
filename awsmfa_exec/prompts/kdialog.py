"""The `kdialog` driver (KDE): `kdialog --title T --password TEXT` prints what was typed,
hidden as it is typed; Cancel exits 1."""

from __future__ import annotations

from awsmfa_exec.prompts import Need, question
from awsmfa_exec.prompts.dialog import Dialog


class Kdialog(Dialog):
    name = "kdialog"

    def argv(self, need: Need) -> list[str]:
        return [self.path, "--title", "awsmfa", "--password", question(need)]
