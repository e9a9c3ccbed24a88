"""Fixtures every layer shares: an isolated environment, AWS files, a moto STS on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# The fault, audit and keyring summaries in the CI log; the Secret Service fixtures.
pytest_plugins = ["tests.support.proof", "tests.support.secret_service"]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AWSMFA = str(BIN / "awsmfa")
CODE = "123456"
ACCOUNT = "123456789012"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
LANDING_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
LANDING_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

SEED_CONFIG = f"""\
[profile landing]
region = eu-west-1
mfa_serial = {SERIAL}

[profile dev]
role_arn = arn:aws:iam::{ACCOUNT}:role/dev
source_profile = landing
region = eu-central-1

[profile prod]
role_arn = arn:aws:iam::{ACCOUNT}:role/prod
source_profile = landing
region = us-east-2

[profile deep]
role_arn = arn:aws:iam::{ACCOUNT}:role/deep
source_profile = dev
region = eu-central-1
"""
SEED_CREDENTIALS = f"""\
[landing]
aws_access_key_id = {LANDING_KEY_ID}
aws_secret_access_key = {LANDING_SECRET}
"""


def role_arn_of(profile: str, session: str = "awsmfa-") -> str:
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/{profile}/{session}"


@dataclass
class AwsFiles:
    config: Path
    credentials: Path

    def write(self, config: str = SEED_CONFIG, credentials: str = SEED_CREDENTIALS) -> None:
        self.config.write_text(textwrap.dedent(config))
        self.credentials.write_text(textwrap.dedent(credentials))


@dataclass
class Moto:
    url: str

    def calls(self) -> list[str]:
        with urllib.request.urlopen(f"{self.url}/_awsmfa/calls", timeout=10) as answer:
            calls: list[str] = json.load(answer)
        return calls

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/_awsmfa/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AwsFiles:
    """No test sees the machine's AWS settings, home directory or a terminal's answers."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "AWSMFA_")):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    files = AwsFiles(home / ".aws" / "config", home / ".aws" / "credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(files.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(files.credentials))
    monkeypatch.setenv("AWSMFA_AGENT_SOCK", str(tmp_path / "agent" / "agent.sock"))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return files


@pytest.fixture(autouse=True)
def _stop_agent(isolated: AwsFiles) -> Iterator[None]:
    """`exec` and `env` start a session agent on the test's socket; stop it afterwards."""
    yield
    from tests.support.agent import stop_agent

    stop_agent(Path(os.environ["AWSMFA_AGENT_SOCK"]))


@pytest.fixture
def aws_files(isolated: AwsFiles) -> AwsFiles:
    isolated.write()
    return isolated


@contextmanager
def serving(module: str) -> Iterator[Moto]:
    """A moto server started with `python -m module`, on loopback, stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("PORT "), f"moto server did not start: {line!r}"
    try:
        yield Moto(f"http://127.0.0.1:{int(line.split()[1])}")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[Moto]:
    with serving("tests.support.moto_sts") as server:
        yield server


@pytest.fixture
def moto(moto_server: Moto, monkeypatch: pytest.MonkeyPatch, aws_files: AwsFiles) -> Moto:
    """The moto server, reached through AWS_ENDPOINT_URL, with the seed files written."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    moto_server.reset()
    return moto_server


def run(
    args: list[str],
    *,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """A command in a new session: no controlling terminal, so nothing can prompt."""
    return subprocess.run(
        args,
        env=dict(os.environ if env is None else env),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
        check=False,
        cwd=cwd,
    )


def awsmfa(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return run([AWSMFA, *args], **kwargs)  # type: ignore[arg-type]
