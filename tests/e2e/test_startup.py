"""What the fast paths load: `python -X importtime` names every module a run imports."""

from __future__ import annotations

import sys

import pytest

from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import ROOT, awsmfa, run
from tests.support.shells import failed_in_sh
from tests.support.sts_server import Moto

HEAVY = {"boto3", "botocore.session", "botocore.client"}


def imported(*args: str) -> set[str]:
    result = run([sys.executable, "-X", "importtime", "-m", "awsmfa_exec", *args])
    assert result.returncode == 0, result.stderr
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}


def test_help_loads_no_sts_machinery(aws_files: AwsFiles) -> None:
    loaded = imported("--help")
    assert "typer" in loaded
    assert not loaded & HEAVY


def test_a_cache_hit_exec_and_env_load_neither_typer_nor_botocore(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    for args in (["exec", "dev", "--", "true"], ["env", "dev", "--shell", "bash"]):
        loaded = imported(*args)
        assert "awsmfa_exec.agent.client" in loaded, args
        assert not [name for name in loaded if name.startswith(("typer", "click", "botocore"))]
        assert not loaded & HEAVY, args
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_an_unusual_spelling_of_exec_goes_through_typer_to_the_same_end(moto: Moto) -> None:
    plain = awsmfa("exec", "dev", "-t", CODE, "--", "sh", "-c", 'echo "$AWSMFA_PROFILE"')
    spelled = awsmfa("exec", "--token-code=" + CODE, "dev", "--", "sh", "-c", "echo $AWS_REGION")
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, "dev\n", "")
    assert (spelled.returncode, spelled.stdout, spelled.stderr) == (0, "eu-central-1\n", "")


def test_errors_after_the_plain_reading_are_the_same_lines(aws_files: AwsFiles) -> None:
    for args in (["exec", "nosuch", "--", "true"], ["exec", "--region=x", "nosuch", "--", "true"]):
        result = awsmfa(*args)
        assert result.returncode == 3, args
        assert result.stderr.startswith("awsmfa: error: profile 'nosuch' is not in "), args
    bad_code = awsmfa("env", "dev", "-t", "12", "--shell", "bash")
    assert bad_code.returncode == 2
    assert failed_in_sh(bad_code.stdout, 2)
    assert bad_code.stderr == "awsmfa: error: the MFA code from --token-code must be 6 digits\n"


# What a cached `exec` or `env` may load beyond what `import os, socket, json` loads (the
# least a client of the agent needs: a unix socket, a JSON frame, then exec), each with why.
# Anything else on that path (dataclasses, typing, pathlib, datetime, threading, ...) fails
# the test below: docs/performance.md says what each costs.
HOT_PATH_ALLOWED = {
    "__future__": "`from __future__ import annotations` in every module",
    "_struct": "struct's C half",
    "struct": "the agent's frame header and SO_PEERCRED's ucred (agent/protocol.py, trust.py)",
    "signal": "exec puts back the default signal dispositions before it runs the command",
    "warnings": "os.execvpe imports it to search PATH",
    "awsmfa_exec": "the package",
    "awsmfa_exec.entry": "the program",
    "awsmfa_exec.ending": "how every run ends: one error line and its exit code",
    "awsmfa_exec.errors": "the error kinds and their exit codes",
    "awsmfa_exec.log": "notes and --debug on stderr",
    "awsmfa_exec.spellings": "the option spellings the plain reading accepts",
    "awsmfa_exec.arrange": "the command line in one form (--, --debug, PROFILE)",
    "awsmfa_exec.fastpath": "the plain exec/env, read without typer",
    "awsmfa_exec.options": "-d, -r, --no-session",
    "awsmfa_exec.request": "what is asked for and what comes back",
    "awsmfa_exec.credentials": "the keys, which refuse to print",
    "awsmfa_exec.margin": "how much life the agent's answer must have left",
    "awsmfa_exec.environ": "the child's variables",
    "awsmfa_exec.files": "the two AWS files' paths the agent resolves",
    "awsmfa_exec.obtain": "inherited, agent, or STS",
    "awsmfa_exec.agent": "whether the agent is on",
    "awsmfa_exec.agent.client": "the request to the agent",
    "awsmfa_exec.agent.paths": "where the socket is, and that its directory is private",
    "awsmfa_exec.agent.trust": "that the socket and its peer are our own uid",
    "awsmfa_exec.agent.protocol": "the frames",
    "awsmfa_exec.commands": "the commands' package",
    "awsmfa_exec.commands.exec_": "exec",
    "awsmfa_exec.signals": "exec's signal dispositions",
    "awsmfa_exec.commands.env": "env",
    "awsmfa_exec.shells": "which shell env speaks",
    "awsmfa_exec.shells.registry": "the shells table",
    "awsmfa_exec.shells.detection": "the shell, from the parent processes",
    "awsmfa_exec.shells.base": "what every shell shares",
    "awsmfa_exec.shells.posix": "bash, zsh, sh",
    "awsmfa_exec.shells.fish": "fish",
    "awsmfa_exec.shells.powershell": "PowerShell",
    "awsmfa_exec.shells.json": "json",
    "awsmfa_exec.shells.dotenv": "dotenv",
}
# The cached path needs nothing from site-packages, so it runs here without site (`-S`): the
# editable install's finder would load pathlib and re before the first line of awsmfa.
_AWSMFA_WITHOUT_SITE = (
    f"import sys; sys.path.insert(0, {str(ROOT)!r}); from awsmfa_exec.entry import main; main()"
)


def loaded_without_site(*args: str) -> set[str]:
    result = run([sys.executable, "-S", "-X", "importtime", *args])
    assert result.returncode == 0, result.stderr
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}


@pytest.mark.parametrize("args", [["exec", "dev", "--", "true"], ["env", "dev"]])
def test_a_cached_run_loads_only_the_allowed_modules(moto: Moto, args: list[str]) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    floor = loaded_without_site("-c", "import os, socket, json")
    loaded = loaded_without_site("-c", _AWSMFA_WITHOUT_SITE, *args)
    assert "awsmfa_exec.agent.client" in loaded  # the agent answered
    beyond = sorted(loaded - floor - set(HOT_PATH_ALLOWED) - {"imported package"})
    assert beyond == [], f"the cached {args[0]} loads modules off its allow-list: {beyond}"
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
