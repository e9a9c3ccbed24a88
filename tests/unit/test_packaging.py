"""Every package of the source tree is in the wheel: an installed awsmfa lacking one fails
only when the command that imports it runs."""

from __future__ import annotations

import sys

from tests.support.commands import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_every_package_is_listed_for_setuptools() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "awsmfa_exec").rglob("__init__.py")
    }
    assert found <= listed
