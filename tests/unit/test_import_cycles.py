"""No import cycle in the package, lazy imports (inside functions) included."""

from __future__ import annotations

from tests.support.commands import ROOT
from tests.support.import_graph import cycles, graph


def test_the_package_imports_without_a_cycle() -> None:
    edges = graph(ROOT)
    assert len(edges) > 50  # the whole package was read
    assert edges["awsmfa_exec.obtain"] >= {"awsmfa_exec.agent.client", "awsmfa_exec.config"}
    assert cycles(edges) == []


def test_a_cycle_is_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
