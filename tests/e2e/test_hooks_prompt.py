"""The hooks in interactive shells on a pseudo-terminal (util-linux `script`): the warning
appears at a real prompt, once, however many prompts follow."""

from __future__ import annotations

import pytest

from tests.support.commands import AWSMFA, run
from tests.support.shells import eval_line, shell_quote

INTERACTIVE = {
    "bash": "bash --norc --noprofile -i",
    "zsh": "zsh -f -i",
    "fish": "fish --no-config -i",
}
EXPIRED = "2020-01-01T00:00:00Z"


@pytest.mark.parametrize("shell", sorted(INTERACTIVE))
def test_expired_credentials_warn_once_at_the_prompt(shell: str) -> None:
    assign = "set -gx {0} {1}" if shell == "fish" else "export {0}={1}"
    typed = [
        eval_line(shell, f"{shell_quote(shell, AWSMFA)} hook {shell}"),
        assign.format("AWSMFA_PROFILE", "dev"),
        assign.format("AWS_CREDENTIAL_EXPIRATION", EXPIRED),
        "true",
        "true",
        "exit",
    ]
    result = run(["script", "-qec", INTERACTIVE[shell], "/dev/null"], input="\n".join(typed) + "\n")
    assert result.returncode == 0, result.stdout
    warning = f"awsmfa: the credentials for dev expired at {EXPIRED}; run: awsmfa-use dev"
    assert result.stdout.count(warning) == 1, result.stdout
