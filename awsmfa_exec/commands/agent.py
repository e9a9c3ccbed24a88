"""`awsmfa agent start|stop|status` and `awsmfa clear [PROFILE]`: manage the session agent."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from awsmfa_exec import log
from awsmfa_exec.agent import client
from awsmfa_exec.agent.paths import Untrusted, socket_path
from awsmfa_exec.agent.protocol import Message, ProtocolError
from awsmfa_exec.duration import minutes_text
from awsmfa_exec.errors import AwsmfaError

STOP_WAIT = 5.0


def _ask_agent(path: str, message: Message) -> Message | None:
    try:
        return client.request(path, message)
    except Untrusted as exc:
        raise Untrusted(
            f"{exc.message}: not talking to it; set AWSMFA_AGENT_SOCK to a path in a "
            "directory of your own (mode 0700)"
        ) from None
    except (OSError, ProtocolError) as exc:
        raise AwsmfaError(
            f"the agent at {path} did not answer properly ({exc}); `awsmfa agent stop` it"
        ) from None


def run_start(environ: Mapping[str, str]) -> None:
    path = socket_path(environ)
    status = _ask_agent(path, {"op": "status"})
    if status is None:
        client.start(path)
        status = _ask_agent(path, {"op": "status"})
        if status is None:
            raise AwsmfaError(f"the agent started but does not answer at {path}")
        log.note(f"agent started (pid {status.get('pid')}) at {path}")
    else:
        log.note(f"agent already running (pid {status.get('pid')}) at {path}")


def run_stop(environ: Mapping[str, str]) -> None:
    path = socket_path(environ)
    answer = _ask_agent(path, {"op": "stop"})
    if answer is None:
        log.note(f"no agent is running at {path}")
        return
    deadline = time.monotonic() + STOP_WAIT
    while os.path.exists(path) and time.monotonic() < deadline:  # noqa: PTH110 - a str
        time.sleep(0.05)
    log.note(f"agent stopped (pid {answer.get('pid')}); everything it held is forgotten")


def _kind(held: Message) -> str:
    """`role`, or `role (-d 2h)`: what tells apart entries of one profile."""
    detail = log.printable(str(held.get("detail") or ""))
    return f"{held['kind']} ({detail})" if detail else str(held["kind"])


def run_status(environ: Mapping[str, str], as_json: bool) -> None:
    path = socket_path(environ)
    status = _ask_agent(path, {"op": "status"})
    if as_json:
        shown: dict[str, Any] = {"running": status is not None, "socket": str(path)}
        if status is not None:
            shown.update({k: status.get(k) for k in ("pid", "started", "hardening", "held")})
        sys.stdout.write(json.dumps(shown, indent=2) + "\n")
        return
    if status is None:
        log.note(f"no agent is running at {path}")
        return
    held = status.get("held") or []
    log.note(f"agent running (pid {status.get('pid')}) at {path}; holds {len(held)} credential(s)")
    rows = [("PROFILE", "KIND", "LEFT", "USED BY")]
    rows += [
        (str(h["profile"]), _kind(h), minutes_text(h["seconds_left"]), ",".join(h["used_by"]))
        for h in held
    ]
    if held:
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            sys.stdout.write("  ".join([*cells, row[3]]).rstrip() + "\n")


def run_clear(environ: Mapping[str, str], profile: str | None) -> None:
    if profile is not None:
        from awsmfa_exec.config import Files, load_profiles, unknown_profile

        files = Files.from_environ(environ)
        profiles = load_profiles(files)
        if profile not in profiles:
            raise unknown_profile(profile, profiles, files)
    path = socket_path(environ)
    answer = _ask_agent(path, {"op": "clear", "profile": profile})
    if answer is None:
        log.note("no agent is running; nothing to clear")
        return
    count = int(answer.get("count", 0))
    what = f"for {profile}" if profile else "in total"
    log.note(f"forgot {count} credential(s) {what}")
