"""`awsmfa hook SHELL`: loads cleanly, twice, and its functions work in the real shells."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from awsmfa_exec.environ import SET
from tests.support.aws_files import CODE, role_arn_of
from tests.support.commands import AWSMFA, ROOT, awsmfa
from tests.support.shells import environment_of, eval_line, run_shell, shell_quote
from tests.support.sts_server import Moto

HOOK_SHELLS = ("bash", "zsh", "fish")
HOOK_FILES = {
    "bash": "awsmfa.bash",
    "zsh": "awsmfa.zsh",
    "fish": "awsmfa.fish",
    "powershell": "awsmfa.ps1",
}
EXPIRED = "2020-01-01T00:00:00Z"
WARNING = f"awsmfa: the credentials for dev expired at {EXPIRED}; run: awsmfa-use dev\n"
# How each shell runs what it would run before drawing a prompt.
BEFORE_PROMPT = {
    "bash": 'eval "$PROMPT_COMMAND"',
    "zsh": "for f in $precmd_functions; do $f; done",
    "fish": "emit fish_prompt",
}
SET_VAR = {
    "bash": "export {0}={1}",
    "zsh": "export {0}={1}",
    "fish": "set -gx {0} {1}",
}


def load(shell: str) -> str:
    command = f"{shell_quote(shell, AWSMFA)} hook {shell}"
    return eval_line(shell, command)


@pytest.mark.parametrize("shell", [*HOOK_FILES])
def test_hook_prints_the_shipped_file(shell: str) -> None:
    result = awsmfa("hook", shell)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "shell" / HOOK_FILES[shell]).read_text()
    assert result.stderr == ""


def test_hook_for_an_unknown_shell_is_a_usage_error() -> None:
    result = awsmfa("hook", "tcsh")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "awsmfa: error: no hook for shell 'tcsh'; choose one of: bash, fish, powershell, zsh\n"
    )


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_hook_loads_twice_with_empty_stderr(shell: str) -> None:
    counts = {
        "bash": 'printf "%s\\n" "$PROMPT_COMMAND" | grep -o _awsmfa_precmd | wc -l',
        "zsh": "print ${#${(M)precmd_functions:#_awsmfa_precmd}}",
        "fish": "functions --handlers-type generic | string match -e _awsmfa_precmd | count",
    }
    result = run_shell(shell, f"{load(shell)}\n{load(shell)}\n{counts[shell]}\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.split() == [b"1"]


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_use_prompt_and_clear(moto: Moto, shell: str, tmp_path: Path) -> None:
    after = tmp_path / "after.env"
    script = "\n".join(
        (
            load(shell),
            f"awsmfa-use dev -t {CODE}",
            "aws sts get-caller-identity --query Arn --output text",
            "awsmfa-prompt; echo",
            BEFORE_PROMPT[shell],
            "awsmfa-clear",
            f"env -0 > {shell_quote(shell, str(after))}",
            "awsmfa-prompt; echo",
        )
    )
    result = run_shell(shell, script)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    arn, prompt, cleared_prompt = result.stdout.decode().split("\n")[:3]
    assert arn.startswith(role_arn_of("dev"))
    assert re.fullmatch(r"dev (59|60)m", prompt)
    assert cleared_prompt == ""
    assert not set(SET) & set(environment_of(after.read_bytes()))


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_use_passes_the_failure_on(moto: Moto, shell: str) -> None:
    status = "$status" if shell == "fish" else "$?"
    result = run_shell(shell, f"{load(shell)}\nawsmfa-use no-such-profile -t {CODE}\necho {status}")
    assert result.stdout == b"3\n"
    assert result.stderr.decode().startswith("awsmfa: error: ")


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_expired_credentials_warn_once_and_keep_the_status(shell: str) -> None:
    status = "$status" if shell == "fish" else "$?"
    script = "\n".join(
        (
            load(shell),
            SET_VAR[shell].format("AWSMFA_PROFILE", "dev"),
            SET_VAR[shell].format("AWS_CREDENTIAL_EXPIRATION", EXPIRED),
            BEFORE_PROMPT[shell],
            "false",
            "_awsmfa_precmd",
            f"echo {status}",
            "false",
            "awsmfa-prompt",
            f"echo ' '{status}",
            BEFORE_PROMPT[shell],
        )
    )
    result = run_shell(shell, script)
    assert result.stdout.decode() == "1\ndev expired 1\n"
    assert result.stderr.decode() == WARNING


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_aliases_and_functions_do_not_get_in_the_way(moto: Moto, shell: str) -> None:
    script = "\n".join(
        (
            "shopt -s expand_aliases" if shell == "bash" else ":",
            "alias command='echo hijacked'",
            load(shell),
            "awsmfa() { echo hijacked; }",
            f"awsmfa-use dev -t {CODE}",
            'echo "$AWSMFA_PROFILE"',
        )
    )
    result = run_shell(shell, script)
    assert result.stdout == b"dev\n", result.stderr


def test_fish_function_named_awsmfa_does_not_get_in_the_way(moto: Moto) -> None:
    script = "\n".join(
        (
            load("fish"),
            "function awsmfa; echo hijacked; end",
            f"awsmfa-use dev -t {CODE}",
            "echo $AWSMFA_PROFILE",
        )
    )
    result = run_shell("fish", script)
    assert result.stdout == b"dev\n", result.stderr


def test_shell_scripts_are_shellcheck_clean() -> None:
    scripts = sorted(
        str(path) for pattern in ("*.bash", "*.sh") for path in (ROOT / "shell").glob(pattern)
    )
    assert scripts, "no shell scripts found in shell/"
    result = subprocess.run(
        ["shellcheck", "--severity=style", *scripts], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])])
def test_other_hook_scripts_parse(shell: str, check: list[str]) -> None:
    path = ROOT / "shell" / HOOK_FILES[shell]
    result = subprocess.run([*check, str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
