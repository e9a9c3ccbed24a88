"""The `ykman` driver: `ykman oath accounts code --single -- NAME`, NAME being the profile's
`mfa_ykman_account`, else the user part of the MFA serial (`alice` for `...:mfa/alice`);
`--single` makes ykman fail when NAME matches no account or several.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsmfa_exec.prompts import Need
from awsmfa_exec.prompts.waiting import Waiting, run_waiting


def account_of(serial: str | None) -> str | None:
    """The serial's user part: what follows the last `/` of an ARN, or a hardware serial."""
    if not serial:
        return None
    return serial.rsplit("/", 1)[-1] or None


class Ykman:
    name = "ykman"
    origin = "ykman"
    interactive = False  # a second ask in the same 30 s would give the same code

    def __init__(self, path: str, account: str | None, environ: Mapping[str, str]) -> None:
        self.path, self.account, self.environ = path, account, environ

    def argv(self, need: Need) -> list[str]:
        account = self.account or account_of(need.serial) or ""
        return [self.path, "oath", "accounts", "code", "--single", "--", account]

    def ask(self, need: Need) -> str:
        argv = self.argv(need)
        described = f"ykman oath accounts code --single {argv[-1]}"
        return run_waiting(Waiting(argv, "ykman", described), self.environ)
