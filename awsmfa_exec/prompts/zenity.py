"""The `zenity` driver (GNOME and most Linux desktops): a text entry dialog whose text is
hidden as it is typed, `zenity --entry --hide-text --title=T --text=TEXT`; what was typed
comes on stdout, Cancel exits 1."""

from __future__ import annotations

from awsmfa_exec.prompts import Need, question
from awsmfa_exec.prompts.dialog import Dialog


def _label(text: str) -> str:
    """`text` as zenity shows it: it undoes backslash escapes, then reads `_` as a mnemonic."""
    return text.replace("\\", "\\\\").replace("_", "__")


class Zenity(Dialog):
    name = "zenity"

    def argv(self, need: Need) -> list[str]:
        return [
            self.path,
            "--entry",
            "--hide-text",
            "--title=awsmfa",
            f"--text={_label(question(need))}",
        ]
