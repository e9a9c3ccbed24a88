"""Every package of the source tree is in the wheel: an installed awsmfa lacking one fails
only when the command that imports it runs."""

from __future__ import annotations

import pytest

from tests.support.commands import ROOT


def test_every_package_is_listed_for_setuptools() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "awsmfa_exec").rglob("__init__.py")
    }
    assert found <= listed
