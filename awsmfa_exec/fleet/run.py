"""The run itself: credentials and children on `jobs` worker threads, fail-fast or not,
and Ctrl-C (or a SIGTERM, a SIGHUP) passed on to every child.

The first profile's credentials are fetched alone: that is where the one MFA code is asked
for, and a refused code ends the run there instead of once per profile. A stopping signal
is only noted in its handler; the watch loop passes it to every child's process group,
waits `GRACE` seconds, kills what is left, and the run exits 128 + the signal's number.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from awsmfa_exec import environ as env_vars
from awsmfa_exec import log
from awsmfa_exec.errors import AwsmfaError, MfaCodeRejected, UsageError
from awsmfa_exec.fleet.child import pump, start
from awsmfa_exec.fleet.output import OutputFile, Terminal
from awsmfa_exec.fleet.retry import retrying
from awsmfa_exec.fleet.summary import ERROR, FAILED, INTERRUPTED, OK, Result
from awsmfa_exec.fleet.supply import Supply
from awsmfa_exec.request import Obtained
from awsmfa_exec.signals import exit_status

GRACE = 10.0
# The signals that stop a run, each passed on as itself: Ctrl-C, `kill`, a closed terminal.
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_WATCH = 0.05


@dataclass(frozen=True)
class Setup:
    command: Sequence[str]
    environ: Mapping[str, str]
    jobs: int
    keep_going: bool
    prefix: bool
    folder: Path | None


class Fleet:
    def __init__(self, setup: Setup, supply: Supply, terminal: Terminal) -> None:
        self.setup, self.supply, self.terminal = setup, supply, terminal
        self.stop = threading.Event()
        self.ended_by: int | None = None  # the first stopping signal, once one came
        self._caught: list[int] = []
        self._lock = threading.Lock()
        self._pending: Iterator[Result] = iter(())
        self._running: dict[int, subprocess.Popen[bytes]] = {}
        self._signalled: set[int] = set()
        self._ready: dict[str, tuple[Obtained, float]] = {}

    def run(self, results: Sequence[Result]) -> None:
        """Fill in `results`; what is never started stays `skipped`."""
        self._lead(results[0])
        self._pending = iter(results)
        workers = [
            threading.Thread(target=self._work, name=f"each-{n}", daemon=True)
            for n in range(min(self.setup.jobs, len(results)))
        ]
        with self._signals_noted():
            for worker in workers:
                worker.start()
            self._watch(workers)

    def _obtain(self, profile: str) -> Obtained:
        return retrying(lambda: self.supply.obtain(profile), profile, self.stop.wait)

    def _lead(self, first: Result) -> None:
        began = time.monotonic()
        try:
            self._ready[first.profile] = (self._obtain(first.profile), began)
        except (MfaCodeRejected, UsageError):
            raise  # the code is refused or cannot be had: no profile would fare better
        except AwsmfaError as exc:
            self._ended(first, began, ERROR, exc.exit_code, exc.message)

    @contextmanager
    def _signals_noted(self) -> Iterator[None]:
        note = self._caught.append
        previous = {signum: signal.signal(signum, lambda n, _: note(n)) for signum in STOPPING}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _watch(self, workers: list[threading.Thread]) -> None:
        forwarded = 0
        deadline: float | None = None
        while alive := [w for w in workers if w.is_alive()]:
            while len(self._caught) > forwarded:
                signum = self._caught[forwarded]
                forwarded += 1
                self.ended_by = self.ended_by or signum
                self.stop.set()
                self._signal_all(signum)
                deadline = deadline or time.monotonic() + GRACE
            if deadline is not None and time.monotonic() > deadline:
                self._signal_all(signal.SIGKILL)
                deadline = float("inf")
            alive[0].join(_WATCH)

    def _signal_all(self, signum: int) -> None:
        with self._lock:
            for pid, process in self._running.items():
                if process.returncode is None:
                    self._signalled.add(pid)
                    with suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signum)

    def _next(self) -> Result | None:
        with self._lock:
            if self.stop.is_set():
                return None
            return next(self._pending, None)

    def _work(self) -> None:
        while (result := self._next()) is not None:
            if result.status != ERROR:
                self._one(result)

    def _one(self, result: Result) -> None:
        began = time.monotonic()
        output: OutputFile | None = None
        try:
            if result.profile in self._ready:
                got, began = self._ready.pop(result.profile)
            else:
                got = self._obtain(result.profile)
            if self.setup.folder is not None:
                output = OutputFile(self.setup.folder, result.profile)
                result.output = str(output.path)
            changes = env_vars.exported(got.credentials, got.profile, got.region)
            process = self._launch(env_vars.apply(self.setup.environ, changes))
            if process is None:
                return
            prefix = f"{log.printable(result.profile)} | ".encode() if self.setup.prefix else b""
            status = pump(process, prefix, output.lines if output else self.terminal.lines)
        except AwsmfaError as exc:
            self._ended(result, began, ERROR, exc.exit_code, exc.message)
            return
        finally:
            if output is not None:
                output.close()
        with self._lock:
            del self._running[process.pid]
            signalled = process.pid in self._signalled
        code = exit_status(status)
        kind = INTERRUPTED if signalled else OK if code == 0 else FAILED
        self._ended(result, began, kind, code)

    def _launch(self, env: Mapping[str, str]) -> subprocess.Popen[bytes] | None:
        """The child, unless the run is stopping; started under the lock, so that a Ctrl-C
        is forwarded to every child that exists."""
        with self._lock:
            if self.stop.is_set():
                return None
            process = start(self.setup.command, env)
            self._running[process.pid] = process
        self.terminal.update(started=1)
        return process

    def _ended(
        self, result: Result, began: float, status: str, code: int, error: str | None = None
    ) -> None:
        result.status, result.exit_code, result.error = status, code, error
        result.seconds = time.monotonic() - began
        failed = status != OK
        self.terminal.update(done=1, exited=int(status != ERROR), failed=int(failed))
        if failed and not self.setup.keep_going:
            self.stop.set()
