"""The session agent: a per-user process that holds MFA sessions and role credentials in
memory only, answers over a unix socket only its own user, and makes the STS calls."""

from __future__ import annotations

from collections.abc import Mapping


def enabled(environ: Mapping[str, str]) -> bool:
    """False when AWSMFA_AGENT=off (or 0/no/false): no caching, every call goes to STS."""
    return environ.get("AWSMFA_AGENT", "").strip().lower() not in ("off", "0", "no", "false")
