"""What the fault, bad-input and audit tests share, and the summary they print at the end.

Loaded as a pytest plugin (`pytest_plugins` in tests/conftest.py): every outcome a test
records with `record()` or `record_audit()` is listed in the terminal summary, so the CI
log shows each fault's exit code and message, and the syscall audit's totals.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ERROR_PREFIX = "awsmfa: error: "


@dataclass(frozen=True)
class Outcome:
    group: str
    case: str
    exit_code: int
    stderr: str
    detail: str = ""


@dataclass
class AuditTotals:
    commands: int = 0
    traced: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    allowed: set[str] = field(default_factory=set)


# What a parent `awsmfa exec dev` leaves in its child's environment, with made-up values.
INHERITED_DEV = {
    "AWSMFA_PROFILE": "dev",
    "AWS_ACCESS_KEY_ID": "ASIAINHERITEDKEY0001",
    "AWS_SECRET_ACCESS_KEY": "inheritedSecretAccessKey0123456789abcdef",
    "AWS_SESSION_TOKEN": "inheritedSessionToken",
    "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z",
}

OUTCOMES: list[Outcome] = []
AUDIT = AuditTotals()
KEYRING: list[str] = []  # what the keyring tests proved against a real Secret Service


def record(
    group: str, case: str, result: subprocess.CompletedProcess[str], detail: str = ""
) -> None:
    OUTCOMES.append(Outcome(group, case, result.returncode, result.stderr.strip(), detail))


def record_keyring(line: str) -> None:
    KEYRING.append(line)


def record_audit(traced: set[str], written: set[str], allowed: set[str]) -> None:
    AUDIT.commands += 1
    AUDIT.traced |= traced
    AUDIT.written |= written
    AUDIT.allowed |= allowed


def assert_one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single `awsmfa: error: …` line a failure must print; returns the message."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {result.stderr!r}"
    assert result.stderr.endswith("\n")
    assert lines[0].startswith(ERROR_PREFIX), lines[0]
    return lines[0][len(ERROR_PREFIX) :]


def snapshot(*roots: Path) -> dict[str, tuple[int, str]]:
    """Every file and folder under `roots`: its mode and a digest of its content if readable."""
    seen: dict[str, tuple[int, str]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = Path(folder, name)
                info = path.lstat()
                digest = ""
                if path.is_file() and not path.is_symlink() and os.access(path, os.R_OK):
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                seen[str(path)] = (info.st_mode, digest)
    return seen


def files_holding(needles: list[str], *roots: Path) -> list[str]:
    """Files under `roots` whose bytes contain any of `needles`."""
    wanted = [n.encode() for n in needles]
    hits = []
    for root in roots:
        for folder, _, files in os.walk(root):
            for name in files:
                path = Path(folder, name)
                if path.is_symlink() or not path.is_file():
                    continue
                data = path.read_bytes()
                if any(n in data for n in wanted):
                    hits.append(str(path))
    return hits


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write = terminalreporter.write_line
    if OUTCOMES:
        terminalreporter.section("awsmfa: faults and bad inputs (exit code, stderr)")
        for o in sorted(OUTCOMES, key=lambda o: (o.group, o.case)):
            extra = f" [{o.detail}]" if o.detail else ""
            write(f"{o.group:<9} {o.case:<34} exit {o.exit_code:<3}{extra}")
            for line in o.stderr.splitlines() or ["(nothing on stderr)"]:
                write(f"    {line}")
    if AUDIT.commands:
        terminalreporter.section("awsmfa: syscall audit")
        write(
            f"awsmfa audit: {AUDIT.commands} command lines traced, {len(AUDIT.traced)} distinct "
            f"paths touched, {len(AUDIT.written)} written "
            f"(plus {len(AUDIT.allowed)} allowed: /dev/*, agent socket, bytecode)"
        )
        for path in sorted(AUDIT.written):
            write(f"    WRITTEN: {path}")
    if KEYRING:
        from tests.support.secret_service import describe

        terminalreporter.section("awsmfa: keyring tests in a real Secret Service")
        write(describe())
        for line in KEYRING:
            write(f"    {line}")
