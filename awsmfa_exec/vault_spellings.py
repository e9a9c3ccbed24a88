"""aws-vault's words that awsmfa spells otherwise: the hint for the usage error they cause.

Only the error path imports this (`cli._run`); `AWS_VAULT` is `AWSMFA_PROFILE` (README).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_FORMATS = {"env": "dotenv", "export-env": "sh", "json": "json"}
_SERVER = "--server; an ECS-style container-credentials endpoint on 127.0.0.1"
_CREDENTIAL = {"--mfa-token": "-t/--token-code", "-n": "--no-session"}
_OPTIONS: dict[str, dict[str, str]] = {
    "exec": {
        **_CREDENTIAL,
        "--ec2-server": _SERVER,
        "--ecs-server": _SERVER,
        "-s": _SERVER,
        "--json": "awsmfa env PROFILE --shell json",
    },
    "env": {**_CREDENTIAL, "--format": "--shell (json, dotenv, sh)"},
    "login": {**_CREDENTIAL, "--stdout": "--print", "-s": "--print", "--path": "--destination URL"},
    "list": {
        "--profiles": "awsmfa list --json",
        "--sessions": "awsmfa agent status",
        "--credentials": "awsmfa list (its KEYS column)",
    },
    "remove": {"--sessions-only": "awsmfa clear PROFILE"},
}
_VALUED = {"--format", "-d", "--duration", "-t", "--mfa-token", "--region"}


def _profile(words: Sequence[str]) -> str:
    """The first word that is neither an option nor an option's value, else PROFILE."""
    previous = ""
    for word in words:
        if not word.startswith("-") and previous not in _VALUED:
            return word
        previous = word
    return "PROFILE"


def _export(words: Sequence[str]) -> str:
    """aws-vault's `export [--format F] PROFILE`, as `awsmfa env`."""
    joined = " ".join(words)
    found = re.search(r"--format[= ](\S+)", joined)
    shell = _FORMATS.get(found.group(1)) if found else None
    profile = _profile(words)
    if found and shell:
        said = f"export --format {found.group(1)} is awsmfa env {profile} --shell {shell}"
    else:
        said = (
            f"export is awsmfa env {profile} (--shell dotenv for KEY=value lines, "
            "--shell json for JSON)"
        )
    return f"no such command 'export': aws-vault's {said} (see: awsmfa env --help)"


def hint(message: str, args: Sequence[str], command: str | None) -> str | None:
    """The line for click's `message` about `args` when aws-vault spells it so, else None."""
    words = [word for word in args if word != "--debug"]
    if message.startswith("No such command 'export'"):
        return _export(words[1:])
    option = re.match(r"No such option: (\S+)", message)
    spelled = _OPTIONS.get(command or "", {}).get(option.group(1)) if option else None
    if option is None or spelled is None:
        return None
    name = option.group(1)
    spelled, _, note = spelled.replace("PROFILE", _profile(words[1:])).partition("; ")
    said = f"aws-vault's {name} is {spelled} here{', ' + note if note else ''}"
    return f"no such option {name}: {said} (see: awsmfa {command} --help)"
