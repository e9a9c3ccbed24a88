"""`awsmfa each PATTERN... -- COMMAND`: COMMAND in every matching profile, in parallel, with
one MFA code for the whole run; a summary at the end."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from awsmfa_exec.config import Files, parsed
from awsmfa_exec.errors import ExitCode, UsageError
from awsmfa_exec.fleet.child import check_command
from awsmfa_exec.fleet.choose import choose, read_names
from awsmfa_exec.fleet.output import Terminal, prepare_dir
from awsmfa_exec.fleet.run import Fleet, Setup
from awsmfa_exec.fleet.summary import OK, Result, as_json, table
from awsmfa_exec.fleet.supply import Supply
from awsmfa_exec.mfa import Prompting
from awsmfa_exec.request import Request, given_code

MAX_DEFAULT_JOBS = 16


@dataclass(frozen=True)
class Each:
    """What the command line asked for; `request` holds the credential options."""

    patterns: tuple[str, ...]
    command: tuple[str, ...]
    request: Request
    from_file: str | None = None
    jobs: int | None = None
    keep_going: bool = False
    no_prefix: bool = False
    output_dir: str | None = None
    as_json: bool = False


def default_jobs() -> int:
    return min(os.cpu_count() or 1, MAX_DEFAULT_JOBS)


def run_each(each: Each, environ: Mapping[str, str]) -> int:
    """Exit status: 0 when every child exited 0, 128+N after signal N (130 for Ctrl-C),
    else 1."""
    if not each.command:
        taken = f" ({' '.join(each.patterns)}: all PATTERNs)" if len(each.patterns) > 1 else ""
        raise UsageError(f"each needs a command{taken}: awsmfa each PATTERN... -- COMMAND [ARG]...")
    jobs = default_jobs() if each.jobs is None else each.jobs
    if jobs < 1:
        raise UsageError(f"-j/--jobs must be 1 or more; got {jobs}")
    if not each.patterns and not each.from_file:
        raise UsageError("each needs a PATTERN or --from-file F: awsmfa each 'acct-*' -- COMMAND")
    files = Files.from_environ(environ)
    profiles = parsed(files)  # parsed once for the whole run, as obtain reads it too
    names = read_names(each.from_file) if each.from_file else []
    chosen = choose(each.patterns, names, profiles, files)
    check_command(each.command, environ)
    given = given_code(each.request, environ)
    folder = prepare_dir(each.output_dir) if each.output_dir else None
    setup = Setup(
        command=each.command,
        environ=environ,
        jobs=jobs,
        keep_going=each.keep_going,
        prefix=not each.no_prefix and folder is None,
        folder=folder,
    )
    supply = Supply(environ, each.request.options, lambda: given or Prompting(environ))
    terminal = Terminal(len(chosen), progress=os.isatty(2), only_stderr=each.as_json)
    fleet = Fleet(setup, supply, terminal)
    results = [Result(name) for name in chosen]
    began = time.monotonic()
    try:
        fleet.run(results)
    finally:
        terminal.close()
    seconds = time.monotonic() - began
    if fleet.ended_by is not None:
        status = 128 + fleet.ended_by
    else:
        status = ExitCode.OK if all(r.status == OK for r in results) else ExitCode.FAILURE
    if each.as_json:
        sys.stdout.write(json.dumps(as_json(results, seconds, status), indent=2) + "\n")
    else:
        sys.stderr.write(table(results, seconds))
    return int(status)
