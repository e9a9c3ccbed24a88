"""What each profile's run came to, as a table for people (stderr) or one JSON object."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from awsmfa_exec.log import printable

OK = "ok"
FAILED = "failed"  # the command exited non-zero
ERROR = "error"  # no credentials, or the command could not start
INTERRUPTED = "interrupted"  # running when Ctrl-C (or SIGTERM, SIGHUP) came
SKIPPED = "skipped"  # not started: an earlier failure (fail-fast) or a signal
# Successes first, failures last: the end of the table is what a terminal leaves in view.
ORDER = (OK, SKIPPED, INTERRUPTED, FAILED, ERROR)


@dataclass
class Result:
    profile: str
    status: str = SKIPPED
    exit_code: int | None = None
    seconds: float | None = None
    error: str | None = None
    output: str | None = None


def ordered(results: Sequence[Result]) -> list[Result]:
    """By status (ORDER), then in the order they were given (config order)."""
    return sorted(results, key=lambda r: ORDER.index(r.status))


def counts(results: Sequence[Result]) -> dict[str, int]:
    found = Counter(r.status for r in results)
    return {status: found[status] for status in ORDER}


def table(results: Sequence[Result], seconds: float) -> str:
    rows = [("PROFILE", "STATUS", "EXIT", "TIME", "")]
    for r in ordered(results):
        exit_code = "-" if r.exit_code is None else str(r.exit_code)
        time = "-" if r.seconds is None else f"{r.seconds:.1f}s"
        rows.append((printable(r.profile), r.status, exit_code, time, printable(r.error or "")))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)).rstrip()
        + (f"  {row[4]}" if row[4] else "")
        for row in rows
    ]
    tally = ", ".join(f"{n} {status}" for status, n in counts(results).items() if n)
    lines.append(f"awsmfa each: {len(results)} profiles in {seconds:.1f}s: {tally}")
    return "\n".join(lines) + "\n"


def as_json(results: Sequence[Result], seconds: float, exit_code: int) -> dict[str, Any]:
    return {
        "exit_code": exit_code,
        "seconds": round(seconds, 3),
        "counts": counts(results),
        "profiles": [
            {**asdict(r), "seconds": None if r.seconds is None else round(r.seconds, 3)}
            for r in ordered(results)
        ],
    }
