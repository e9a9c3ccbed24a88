"""Every example in README.md and docs/*.md, run as written, against its page's AWS files.

`tests/support/readme.py` finds the pages' code blocks that call awsmfa. `EXAMPLES` says
how to run each one; a block that is added, changed or removed without its entry here
fails `test_every_readme_example_has_a_way_to_run_it`, so the pages cannot drift from
the tool again. Each block's lines are run verbatim (comments dropped), in the shell they
are written for, with its page's `~/.aws/config` and `~/.aws/credentials` as the AWS
files (docs/configuration.md's for a page that shows none), moto on loopback as STS, and
in a folder holding a tiny terraform configuration and a Makefile with a `deploy` target.
`$ awsmfa …` samples are compared with what the command prints (key ids, durations and times aside).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.hardening.test_prompt_waiting import WAIT_LINE
from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import AWSMFA, awsmfa
from tests.support.readme import Block, blocks, section_block
from tests.support.shells import SHELL_ARGV, have
from tests.support.signin_server import SigninServer, signin_server
from tests.support.sts_server import Moto

__all__ = ["signin_server"]  # the fixture, imported for the tests below

Check = Callable[["Ran"], None]


@dataclass
class Ran:
    """What running one block gave: per shell, its completed process; the test's folder."""

    results: dict[str, subprocess.CompletedProcess[str]]
    block: Block
    folder: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Example:
    check: Check | None = None
    before: dict[str, str] = field(default_factory=dict)  # per shell, run first
    after: dict[str, str] = field(default_factory=dict)  # per shell, run last
    code: bool = True  # AWSMFA_TOKEN_CODE set: lines without -t get a code
    synopsis: bool = False  # usage lines: their options are checked against --help


def _shell_of(line: str) -> str:
    if "Invoke-Expression" in line:
        return "powershell"
    if "| source" in line:
        return "fish"
    return "zsh" if "zsh" in line else "bash"


def _normalised(lines: list[str]) -> list[str]:
    """Sample output with what changes from run to run replaced by a name."""
    replaced = []
    for line in lines:
        keyless = re.sub(r"ASIA…\w{4}", "ASIA…KEY", line)
        timeless = re.sub(r"\b\d+h\d\dm\b|\b\d+m\d\ds\b", "DURATION", keyless)
        replaced.append(re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", timeless))
    return replaced


def _sample_matches(command: str) -> Check:
    def check(ran: Ran) -> None:
        result = subprocess.run(
            ["bash", "-c", command], env=ran.env, cwd=ran.folder, capture_output=True,
            text=True, check=False, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        expected = ran.block.output_of(command)
        assert _normalised(result.stdout.splitlines()) == _normalised(expected)

    return check


def _stdout_is(text: str) -> Check:
    def check(ran: Ran) -> None:
        assert ran.results["bash"].stdout == text

    return check


def _error_is_shown_for(command: str) -> Check:
    def check(ran: Ran) -> None:
        result = subprocess.run(
            ["bash", "-c", command], env=ran.env, capture_output=True, text=True, check=False,
            timeout=120,
        )  # fmt: skip
        assert result.returncode == 5
        assert result.stderr == ran.block.commands[0] + "\n"

    return check


def _is_the_wait_line(ran: Ran) -> None:
    """The line the pty test sees (tests/e2e/hardening/test_prompt_waiting.py)."""
    assert ran.block.commands[0].encode() == WAIT_LINE


def _credential_process(ran: Ran) -> None:
    config = Path(ran.env["AWS_CONFIG_FILE"])
    config.write_text(config.read_text() + "\n" + ran.block.text + "\n")
    result = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--profile", "dev-mfa"],
        env=ran.env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ":assumed-role/developer/" in json.loads(result.stdout)["Arn"]


def _login(ran: Ran) -> None:
    opened = (ran.folder / "browser.log").read_text().splitlines()
    copied = (ran.folder / "clipboard").read_text()
    assert len(opened) == 2
    assert "Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fcloudwatch%2Fhome" in opened[1]
    assert copied.startswith("http://127.0.0.1:")
    assert "Action=login" in copied


def _usage(ran: Ran) -> None:
    """Each usage line's command exists, and its options and placeholders are in its --help;
    `a X | b Y` lines name several commands."""
    for line in ran.block.commands:
        for part in line.removeprefix("awsmfa ").split(" | "):
            words = part.split()
            name = words[0]
            path = [name, words[1].split("|")[-1]] if name == "agent" else [name]
            shown = awsmfa(*path, "--help")
            assert shown.returncode == 0, (part, shown.stderr)
            for option in re.findall(r"--[a-z][a-z-]*", part):
                assert option in shown.stdout, (part, option)
            for placeholder in re.findall(r"\b[A-Z]{2,}\b", part):
                if placeholder not in {"OPTIONS", "ARG"}:
                    assert placeholder in shown.stdout, (part, placeholder)


HOOK_USED = {
    "bash": 'awsmfa-use dev && test "$AWSMFA_PROFILE" = dev',
    "zsh": 'awsmfa-use dev && test "$AWSMFA_PROFILE" = dev',
    "fish": 'awsmfa-use dev; and test "$AWSMFA_PROFILE" = dev',
}

EXAMPLES: dict[tuple[str, ...], Example] = {
    (
        "awsmfa exec dev -- terraform apply",
        'eval "$(awsmfa env dev)"',
        "awsmfa exec dev -- make deploy",
    ): Example(),
    (
        "awsmfa exec [PROFILE] [OPTIONS] [--] [COMMAND [ARG]...]",
        "awsmfa exec [PROFILE] --server [OPTIONS] [--] [COMMAND [ARG]...]",
        "awsmfa env [PROFILE] [OPTIONS] [--shell SHELL]",
        "awsmfa env --unset [--shell SHELL]",
        "awsmfa each PATTERN... [-j N] [--keep-going] [OPTIONS] -- COMMAND [ARG]...",
        "awsmfa hook SHELL",
        "awsmfa agent start|stop|status [--json]",
        "awsmfa clear [PROFILE]",
        "awsmfa list [--json]",
        "awsmfa status [--json] [--verify]",
        "awsmfa login [PROFILE] [--print] [--destination URL] [OPTIONS]",
        "awsmfa completion SHELL",
        "awsmfa add PROFILE | remove PROFILE | import [PROFILE]... | rotate PROFILE [-t CODE]",
    ): Example(_usage, synopsis=True),
    # The keyring commands need a Secret Service and type secrets: tests/e2e/test_keyring.py
    # runs each of them for real; here each line's command and options must exist.
    (
        "awsmfa import landing",
        "awsmfa import",
        "awsmfa add ci",
        "awsmfa list",
        "awsmfa rotate landing",
        "awsmfa remove ci",
        "awsmfa restore landing",
    ): Example(_usage, synopsis=True),
    (
        "awsmfa exec dev terraform -version",
        "awsmfa exec dev",
        "AWS_PROFILE=dev awsmfa exec -- aws sts get-caller-identity",
    ): Example(),
    (
        "AWS_ENDPOINT_URL=http://127.0.0.1:5000 awsmfa exec dev -- aws sts get-caller-identity",
    ): Example(),  # moto listens where the README says 5000
    (
        "awsmfa: error: STS GetSessionToken for landing failed: could not connect "
        "(http://127.0.0.1:9/); check the network, or AWS_ENDPOINT_URL_STS",
    ): Example(
        _error_is_shown_for("AWS_ENDPOINT_URL=http://127.0.0.1:9 awsmfa exec dev -- true"),
        synopsis=True,
    ),
    (
        'eval "$(awsmfa env dev)"',
        "awsmfa env dev | source",
        "awsmfa env dev | Out-String | Invoke-Expression",
        'eval "$(awsmfa env --unset)"',
    ): Example(),
    (
        "awsmfa each PATTERN... [-j N] [--keep-going] [-t CODE] [-d D] [-r R] [--no-session]",
    ): Example(_usage, synopsis=True),
    ("awsmfa: waiting for ykman (touch your key?)",): Example(_is_the_wait_line, synopsis=True),
    ("credential_process = awsmfa env dev --shell json",): Example(
        _credential_process, synopsis=True
    ),
    (
        'eval "$(awsmfa hook bash)"',
        'eval "$(awsmfa hook zsh)"',
        "awsmfa hook fish | source",
        "awsmfa hook powershell | Out-String | Invoke-Expression",
    ): Example(after=HOOK_USED),
    ('eval "$(awsmfa hook bash)"',): Example(after={"bash": HOOK_USED["bash"]}),
    ("awsmfa exec dev -- make deploy",): Example(),
    (
        "awsmfa exec dev -t 123456 -- terraform plan",
        "awsmfa exec dev -- terraform apply",
        "awsmfa exec prod -- aws s3 ls",
        "awsmfa agent status",
        "awsmfa clear",
    ): Example(code=False),  # only the first line has a code: the agent holds the rest
    ("awsmfa exec dev --server -- terraform apply",): Example(),
    ("awsmfa list",): Example(_sample_matches("awsmfa list")),
    ("awsmfa list --json | jq -r '.[] | select(.kind != \"keys\") | .name'",): Example(
        _stdout_is("deep\ndev\nprod\n")
    ),
    (
        "awsmfa exec dev -- awsmfa status",
        "awsmfa status --json | jq .seconds_left",
        'awsmfa status >/dev/null 2>&1 && echo "credentials still valid"',
    ): Example(
        _sample_matches("awsmfa exec dev -- awsmfa status"),
        before={"bash": 'eval "$(awsmfa env dev)"'},
    ),
    (
        "awsmfa login dev",
        "awsmfa login prod --print | xclip -selection clipboard",
        "awsmfa login dev --destination https://console.aws.amazon.com/cloudwatch/home",
    ): Example(_login),
    (
        'eval "$(awsmfa completion bash)"',
        'eval "$(awsmfa completion zsh)"',
        "awsmfa completion fish | source",
        "awsmfa completion powershell | Out-String | Invoke-Expression",
    ): Example(before={"zsh": "autoload -Uz compinit && compinit -u"}),
}


def test_every_readme_example_has_a_way_to_run_it() -> None:
    found = [block.commands for block in blocks()]
    assert sorted(found) == sorted(EXAMPLES), "the pages' examples and EXAMPLES differ"


def test_the_extractor_finds_commands_samples_and_messages() -> None:
    text = "Intro:\n\n    $ awsmfa list   # c\n    out\n\n  - item\n\n    awsmfa: error: x\n"
    found = blocks(text)
    assert [b.commands for b in found] == [("awsmfa list",), ("awsmfa: error: x",)]
    assert found[0].output_of("awsmfa list   # c") == ["out"]


README_BLOCKS = {block.commands: block for block in blocks()}


@pytest.fixture
def readme_world(
    moto: Moto, signin_server: SigninServer, tmp_path: Path
) -> tuple[Path, dict[str, str]]:
    """A folder to run in, and the environment to run with."""
    folder = tmp_path / "work"
    tools = tmp_path / "tools"
    folder.mkdir()
    tools.mkdir()
    (folder / "main.tf").write_text('output "ok" {\n  value = 1\n}\n')
    (folder / "Makefile").write_text("deploy:\n\taws sts get-caller-identity\n")
    # Not on the test machines: a clipboard that keeps what it is given.
    (tools / "xclip").write_text(f"#!/bin/sh\ncat > {folder}/clipboard\n")
    (tools / "browser").write_text(f'#!/bin/sh\necho "$1" >> {folder}/browser.log\n')
    for tool in tools.iterdir():
        tool.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "BROWSER": str(tools / "browser"),
        "TF_CLI_ARGS_apply": "-auto-approve",  # terraform asks no question
        "TF_IN_AUTOMATION": "1",
        "SHELL": "/bin/sh",
        "HOME": os.environ["HOME"],
    }
    return folder, env


@pytest.mark.parametrize(
    "commands", list(EXAMPLES), ids=lambda c: f"{README_BLOCKS[c].page.name}:"
    f"{README_BLOCKS[c].line}" if c in README_BLOCKS else "missing"
)  # fmt: skip
def test_readme_example_runs(
    commands: tuple[str, ...], readme_world: tuple[Path, dict[str, str]], moto: Moto,
    aws_files: AwsFiles,
) -> None:  # fmt: skip
    if commands not in README_BLOCKS:
        pytest.fail("this example is no longer in the README or docs/")
    block, example = README_BLOCKS[commands], EXAMPLES[commands]
    aws_files.write(
        config=section_block("`~/.aws/config`:", block.page),
        credentials=section_block("`~/.aws/credentials`:", block.page),
    )
    folder, env = readme_world
    if example.code:
        env["AWSMFA_TOKEN_CODE"] = CODE
    lines: dict[str, list[str]] = {}
    if not example.synopsis:
        for line in commands:
            runnable = line.replace("http://127.0.0.1:5000", moto.url)
            lines.setdefault(_shell_of(line), []).append(runnable)
    results = {}
    for shell, script in lines.items():
        if not have(shell):
            if shell == "powershell" and not shutil.which("pwsh"):
                continue  # no pwsh on the test machines (Debian does not package it)
            pytest.fail(f"{shell} is not installed")
        steps = [example.before.get(shell, ""), *script, example.after.get(shell, "")]
        joiner = "\nor exit 1\n" if shell == "fish" else "\n"
        prefix = "" if shell == "fish" else "set -e\n"
        text = prefix + joiner.join(step for step in steps if step)
        result = subprocess.run(
            [*SHELL_ARGV[shell], text], env=env, cwd=folder, capture_output=True, text=True,
            input="", check=False, timeout=300, start_new_session=True,
        )  # fmt: skip
        assert result.returncode == 0, f"{shell}:\n{text}\n{result.stderr}"
        results[shell] = result
    if example.check is not None:
        example.check(Ran(results, block, folder, env))


def test_readme_uses_the_installed_awsmfa() -> None:
    assert shutil.which("awsmfa") == AWSMFA
