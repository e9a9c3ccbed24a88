"""A second uid for isolation tests, with a Python and an awsmfa install it can reach.

Loaded as a pytest plugin (`pytest_plugins` in tests/conftest.py). The checkout's `.venv`
cannot serve another uid: a clone may live under a 0700 home or `mktemp -d`, and the
interpreter it links to may too (pyenv under /root). So once per test session the
`other_uid` fixture builds a virtual environment under a 0755 folder in /tmp, on an
interpreter that the other uid can run whole, with copies of awsmfa's installed
dependencies and a regular (not editable) install of awsmfa, and checks that the uid can
run it. Every test that uses the fixture gets the `other_uid` marker, so CI can run just
these tests from a clone in a private folder (`pytest -m other_uid`, .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent.parent
NOBODY = 65534
SHARED_PARENT = Path("/tmp")  # sticky and world-traversable wherever tests run
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
# What an interpreter says of itself: a whole one says the same to root and to the other uid.
SELF_REPORT = "import sys; print(sys.version); print(sys.base_prefix)"
IMPORTS = "import awsmfa_exec.agent, boto3, botocore.session, psutil, typer"


@dataclass(frozen=True)
class OtherUid:
    """A uid without privileges, and what it can run: `python` and `awsmfa` of its own install."""

    uid: int
    python: str
    awsmfa: str

    def command(self, *args: str) -> list[str]:
        """The argv that runs `args` as the uid."""
        return as_uid(self.uid, *args)


def as_uid(uid: int, *args: str) -> list[str]:
    """`args` run as `uid`, with the group of the same number and no supplementary groups."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *args]


def cannot_switch_uid() -> str | None:
    """Why this machine cannot run a command as another uid, or None when it can."""
    if os.geteuid() != 0:
        return f"switching to uid {NOBODY} needs root; the tests run as uid {os.geteuid()}"
    if shutil.which("setpriv") is None:
        return f"switching to uid {NOBODY} needs setpriv (util-linux), which is not on PATH"
    return None


def run_quietly(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd="/", timeout=300, check=False)


def interpreters() -> list[Path]:
    """This Python's own base interpreter, then every python3.X of the same version on PATH."""
    base = Path(getattr(sys, "_base_executable", sys.executable))
    folders = [*os.environ.get("PATH", "").split(os.pathsep), "/usr/local/bin", "/usr/bin"]
    found = [base, *(Path(folder) / f"python{VERSION}" for folder in folders if folder)]
    unique: dict[Path, None] = {}
    for path in found:
        if path.is_file() and os.access(path, os.X_OK):
            unique.setdefault(path.resolve(), None)
    return list(unique)


def reachable_interpreter(uid: int) -> Path:
    """An interpreter of this Python's version that `uid` runs with its own standard library.

    Started by a uid that cannot enter its folder, a shared-library build may still come up
    on the system's libpython and standard library: then it reports another version or base
    prefix to the uid than to root, and is passed over.
    """
    why_not = []
    for python in interpreters():
        probe = [str(python), "-I", "-c", SELF_REPORT]
        own, theirs = run_quietly(probe), run_quietly(as_uid(uid, *probe))
        if own.returncode == 0 and theirs.returncode == 0 and own.stdout == theirs.stdout:
            return python
        seen = theirs.stdout.strip().replace("\n", " under ") or theirs.stderr.strip()
        why_not.append(f"{python} (uid {uid} gets: {seen or 'nothing'})")
    pytest.skip(
        f"no python{VERSION} that uid {uid} can run whole; tried "
        + ("; ".join(why_not) or "none found")
    )


def dependencies(name: str) -> set[str]:
    """The installed distributions that `name` needs to run, itself excluded."""
    needed: set[str] = set()
    todo = [Requirement(line) for line in metadata.requires(name) or []]
    while todo:
        requirement = todo.pop()
        extras = {"", *requirement.extras}
        if requirement.marker and not any(
            requirement.marker.evaluate({"extra": extra}) for extra in extras
        ):
            continue
        dist = metadata.distribution(requirement.name)
        key = dist.metadata["Name"].lower()
        if key in needed:
            continue
        needed.add(key)
        todo.extend(Requirement(line) for line in dist.requires or [])
    return needed


def copy_distribution(name: str, site: Path) -> None:
    """The files of an installed distribution that live in site-packages, copied into `site`.

    Hard links where the file system allows (a new path to the same 0644 file is all the
    other uid needs, and much faster than copying botocore's thousands of files).
    """
    dist = metadata.distribution(name)
    if dist.files is None:
        raise RuntimeError(f"{name} lists no files (no RECORD): cannot copy it for another uid")
    for file in dist.files:
        if file.is_absolute() or file.parts[0] == ".." or "__pycache__" in file.parts:
            continue  # scripts in bin/; bytecode the uid could not rewrite anyway
        source, target = Path(str(dist.locate_file(file))), site / file
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.hardlink_to(source)
        except OSError:  # another file system, or links refused
            shutil.copy(source, target)


def build_install(folder: Path, python: Path) -> Path:
    """A venv in `folder` on `python`, with awsmfa and the dependencies this one has installed."""
    venv = folder / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    python_of_venv = str(venv / "bin" / "python")
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    answer = subprocess.run(
        [python_of_venv, "-c", purelib], capture_output=True, text=True, check=True
    )
    site = Path(answer.stdout.strip())
    assert site.is_relative_to(venv), f"the venv's site-packages is {site}"
    for name in [*dependencies("awsmfa"), "setuptools"]:  # setuptools: to build it offline
        copy_distribution(name, site)
    # Built from a copy, so the checkout gets no build/ folder.
    source = folder / "source"
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__")
    )
    pip = [sys.executable, "-m", "pip", "--python", python_of_venv, "install"]
    offline = ["--no-deps", "--no-build-isolation", "--no-index"]  # tests see only loopback
    subprocess.run([*pip, "-q", *offline, str(source)], check=True)
    shutil.rmtree(source)
    return venv


@pytest.fixture(scope="session")
def other_uid() -> Iterator[OtherUid]:
    """Uid 65534, and an awsmfa install it can run, wherever the checkout lives.

    Skips, naming what is missing, where the machine cannot switch uid (not root, no
    setpriv) or has no interpreter of this version that the uid can run. To use it:

        def test_x(other_uid: OtherUid, shared_dir: Path) -> None:
            sock = shared_dir / "agent.sock"
            args = other_uid.command(other_uid.python, "-c", CLIENT, str(sock))
            result = run(args, cwd=shared_dir)  # or Path("/"): a cwd the uid can enter

    - `other_uid.command(*args)`: the argv that runs `args` as the uid (setpriv).
    - `other_uid.python`: an interpreter that imports awsmfa_exec and its dependencies;
      `other_uid.awsmfa`: the `awsmfa` command of that install. Never the checkout's
      `.venv` or `sys.executable`: the uid may not be able to reach them.
    - What the uid must reach (sockets, homes, config files) goes under `shared_dir`, a
      0755 folder; pytest's `tmp_path` is private to root. Pass an `env` whose HOME and
      TMPDIR it can use if the command reads them (the test's own are under `tmp_path`).
    """
    why = cannot_switch_uid()
    if why:
        pytest.skip(why)
    folder = Path(tempfile.mkdtemp(prefix="awsmfa-other-uid-", dir=SHARED_PARENT))
    try:
        folder.chmod(0o755)
        venv = build_install(folder, reachable_interpreter(NOBODY))
        uid = OtherUid(NOBODY, str(venv / "bin" / "python"), str(venv / "bin" / "awsmfa"))
        for check in ([uid.python, "-c", IMPORTS], [uid.awsmfa, "--version"]):
            ran = run_quietly(uid.command(*check))
            assert ran.returncode == 0, f"uid {NOBODY} cannot run {check}: {ran.stderr}"
        yield uid
    finally:
        shutil.rmtree(folder)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A fresh 0755 folder in /tmp, for what another uid must reach: sockets, homes, files."""
    path = Path(tempfile.mkdtemp(prefix="awsmfa-shared-", dir=SHARED_PARENT))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that acts as the other uid, so `-m other_uid` selects them all."""
    for item in items:
        if "other_uid" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.other_uid)
