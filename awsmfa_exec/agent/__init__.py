"""The session agent: a per-user process that holds MFA sessions and role credentials in
memory only, answers over a unix socket only its own user, and makes the STS calls."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# Set in the environment of a credential_process awsmfa runs at the root of a chain (`roots`).
ROOT_PROCESS = "AWSMFA_ROOT_PROCESS"


def enabled(environ: Mapping[str, str]) -> bool:
    """False when AWSMFA_AGENT=off (or 0/no/false): no caching, every call goes to STS.
    False too in an awsmfa that a root's credential_process runs: the agent may be waiting
    for that very process, and would wait for itself."""
    if environ.get(ROOT_PROCESS):
        return False
    return environ.get("AWSMFA_AGENT", "").strip().lower() not in ("off", "0", "no", "false")
