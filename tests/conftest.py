"""Fixtures every layer shares: an isolated environment, AWS files, a moto STS on loopback
behind the strict double that enforces AWS's duration, chaining and MFA rules."""

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

pytest_plugins = [
    "tests.support.proof",  # the fault, audit and keyring summaries in the CI log
    "tests.support.other_uid",  # `other_uid` and `shared_dir`, for tests that act as another uid
    "tests.support.secret_service",  # a real Secret Service for the keyring tests
]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AWSMFA = str(BIN / "awsmfa")
CODE = "123456"
ACCOUNT = "123456789012"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
# Not moto's AKIAIOSFODNN7EXAMPLE: moto hands that out for every GetSessionToken, and the
# strict double tells temporary keys from long-term ones by the key ids it handed out.
LANDING_KEY_ID = "AKIALANDING00EXAMPLE"
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


# What would let awsmfa show a desktop dialog: a test sets them only for a fake tool.
DESKTOP_SESSION = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP")


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

    def signers(self, service: str) -> set[str]:
        """The access key ids that signed requests to `service` (`s3`, `sts`)."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/signers", timeout=10) as answer:
            signed: list[list[str]] = json.load(answer)
        return {key for name, key in signed if name == service}

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/_awsmfa/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def role(self, name: str, *, max_session: int = 43200, requires_mfa: bool = False) -> None:
        """Set the rules of role NAME in the strict double (until the next reset)."""
        rule = {"arn": f"arn:aws:iam::{ACCOUNT}:role/{name}", "max_session": max_session}
        body = json.dumps({**rule, "requires_mfa": requires_mfa}).encode()
        request = urllib.request.Request(f"{self.url}/_awsmfa/role", data=body, method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def refusals(self) -> list[str]:
        """`Action: Code: message` for every call the strict double refused."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/refusals", timeout=10) as answer:
            refusals: list[str] = json.load(answer)
        return refusals

    def issued(self) -> dict[str, bool]:
        """Every access key id the strict double handed out, and whether it carries MFA."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/issued", timeout=10) as answer:
            issued: dict[str, bool] = json.load(answer)
        return issued


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AwsFiles:
    """No test sees the machine's AWS settings, home directory or a terminal's answers."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "AWSMFA_")) or key in DESKTOP_SESSION:
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
    """A moto server started with `python -m module`, on loopback, stopped afterwards.

    The servers of tests.support (strict_sts, picky_sts) answer the `Moto` helpers."""
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
    with serving("tests.support.strict_sts") as server:
        yield server


@pytest.fixture
def moto(moto_server: Moto, monkeypatch: pytest.MonkeyPatch, aws_files: AwsFiles) -> Moto:
    """The strict STS double in front of moto, reached through AWS_ENDPOINT_URL, with the
    seed files written; its roles allow 12 h and need no MFA until the test says otherwise."""
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
