"""Shell code for `env` and `hook`: one small module per shell behind one interface
(`base.Shell`), every shell named once in `registry`."""

from __future__ import annotations

from awsmfa_exec.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awsmfa_exec.shells.base import Shell


def names() -> list[str]:
    from awsmfa_exec.shells import registry

    return sorted(registry.SHELLS)


def get(name: str) -> Shell:
    from awsmfa_exec.shells import registry

    try:
        return registry.SHELLS[name].renderer
    except KeyError:
        raise UsageError(f"unknown shell {name!r}; choose one of: {', '.join(names())}") from None


def detect(note: bool = True) -> str:
    """The shell that will evaluate our output, from the parent processes; sh when unsure
    (said in a note on stderr unless `note` is False)."""
    from awsmfa_exec.shells.detection import detect as from_parents

    return from_parents(note=note)
