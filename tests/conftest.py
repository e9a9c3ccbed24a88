"""Fixtures every layer shares: an isolated environment, AWS files, a moto STS on loopback
behind the strict double that enforces AWS's duration, chaining and MFA rules. The helpers
they use live in tests/support/ (aws_files, commands, sts_server).

Every test under tests/e2e/, and every test elsewhere that starts a server or acts as a
second uid (by the fixtures it uses), is marked `e2e`: `pytest -m "not e2e"` is the fast loop.
"""

from __future__ import annotations

import os

# botocore as most users run it: without awscrt. The test extra installs awscrt for the
# `aws login` root, which needs it; botocore would then sign every request through it, in
# this process (read once, at its import: hence before anything imports botocore) and in
# every awsmfa, agent and aws CLI started here. The login root's tests turn it back on.
os.environ["BOTO_DISABLE_CRT"] = "true"

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.aws_files import AwsFiles
from tests.support.commands import BIN, NO_METADATA, ROOT
from tests.support.sts_server import Moto, serving

pytest_plugins = [
    "tests.support.proof",  # the fault, audit and keyring summaries in the CI log
    "tests.support.other_uid",  # `other_uid` and `shared_dir`, for tests that act as another uid
    "tests.support.secret_service",  # a real Secret Service for the keyring tests
    "tests.support.fake_sts",  # `fake_sts`: STS's two calls answered in process, for unit tests
    "tests.support.fake_prompts",  # `fakes`: stand-ins for zenity, kdialog, ykman, osascript
    "tests.support.loopback",  # `closed_port`: a loopback port where nothing listens
]

# What would let awsmfa show a desktop dialog: a test sets them only for a fake tool.
DESKTOP_SESSION = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP")

E2E_FOLDER = ROOT / "tests" / "e2e"
E2E_FIXTURES = frozenset({"moto", "moto_server", "other_uid", "shared_dir"})
"""Fixtures that start a real server or act as a second uid: a test using one is end to end."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(E2E_FOLDER) or E2E_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.e2e)


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
    for key, value in NO_METADATA.items():
        monkeypatch.setenv(key, value)
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
