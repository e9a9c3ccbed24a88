"""`awsmfa each` against the counting moto STS: call counts, wall time, parent memory, scaling.

    python bench/each.py [--profiles 200] [--scale 10,100,1000] [--jobs 16]

Installs this checkout as users do (bench/.venv-awsmfa, shared with bench/run.py), starts the
counting moto server of the tests on 127.0.0.1, and writes a throwaway config of role
profiles `acct-NNNN` on one landing account with MFA. For the main size it reports:
the STS calls of a cold run (fresh agent), of a warm run and of a run with AWSMFA_AGENT=off;
wall times; the per-profile cost against a shell loop of `awsmfa exec P -- true` over the
same profiles with a warm agent; the summary table; the parent's peak RSS (VmHWM, sampled
from /proc while it runs). Then the scaling curve. Everything is printed; nothing asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from run import AWSMFA, CODE, CREDENTIALS, install_awsmfa  # noqa: E402

from tests.support.sts_server import Moto, serving  # noqa: E402 - the counting server of the tests

ACCOUNT = "123456789012"


def config_text(profiles: int) -> str:
    lines = [
        "[profile landing]",
        "region = eu-west-1",
        f"mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/alice",
        "",
    ]
    for n in range(profiles):
        lines += [
            f"[profile acct-{n:04d}]",
            f"role_arn = arn:aws:iam::{ACCOUNT}:role/acct-{n:04d}",
            "source_profile = landing",
            "region = eu-central-1",
            "",
        ]
    return "\n".join(lines)


@dataclass
class Run:
    seconds: float
    peak_rss_kib: int
    status: int
    stdout: str
    stderr: str


def watched(args: list[str], env: dict[str, str]) -> Run:
    """Wall time, and the process's own peak RSS (VmHWM, not its children's)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    peak = 0
    status_file = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.01)
    out, err = process.communicate()
    elapsed = time.perf_counter() - start
    return Run(elapsed, peak, process.returncode, out.decode(), err.decode())


class Bench:
    def __init__(self, root: Path, sts: Moto, jobs: int) -> None:
        self.root, self.sts, self.jobs = root, sts, jobs
        home = root / "home"
        (home / ".aws").mkdir(parents=True)
        self.config = home / ".aws" / "config"
        (home / ".aws" / "credentials").write_text(CREDENTIALS)
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSMFA_", "PYTHON"))
        }
        self.env.update(
            HOME=str(home),
            AWS_ENDPOINT_URL=sts.url,
            AWSMFA_AGENT_SOCK=str(root / "agent" / "agent.sock"),
        )

    def profiles(self, count: int) -> list[str]:
        self.config.write_text(config_text(count))
        return [f"acct-{n:04d}" for n in range(count)]

    def calls(self) -> list[str]:
        """The STS calls since the last look."""
        seen = self.sts.calls()
        self.sts.reset()
        return seen

    def stop_agent(self) -> None:
        subprocess.run([AWSMFA, "agent", "stop"], env=self.env, capture_output=True, check=False)

    def each(self, *extra: str, **env: str) -> Run:
        args = [AWSMFA, "each", "acct-*", "-t", CODE, "-j", str(self.jobs), *extra, "--", "true"]
        run = watched(args, {**self.env, **env})
        if run.status != 0:
            raise SystemExit(f"each exited {run.status}: {run.stderr[-800:]}")
        return run

    def shell_loop(self) -> float:
        script = 'for p in "$@"; do "$0" exec "$p" -- true || exit 1; done'
        lines = self.config.read_text().splitlines()
        names = [line[len("[profile ") : -1] for line in lines if line.startswith("[profile acct-")]
        start = time.perf_counter()
        subprocess.run(["sh", "-c", script, AWSMFA, *names], env=self.env, check=True)
        return time.perf_counter() - start


def tally(calls: list[str]) -> str:
    kinds = sorted(set(calls))
    return ", ".join(f"{calls.count(kind)} {kind}" for kind in kinds) or "none"


def main_size(bench: Bench, count: int) -> None:
    names = bench.profiles(count)
    bench.stop_agent()
    bench.calls()
    cold = bench.each()
    cold_calls = bench.calls()
    warm = bench.each()
    warm_calls = bench.calls()
    loop = bench.shell_loop()
    loop_calls = bench.calls()
    bench.stop_agent()
    off = bench.each(AWSMFA_AGENT="off")
    off_calls = bench.calls()
    print(f"== {count} role profiles, -j {bench.jobs}, -- true ==")
    print(f"cold each (agent started by the run): {cold.seconds:6.2f} s   STS: {tally(cold_calls)}")
    print(f"warm each (agent holds every role):   {warm.seconds:6.2f} s   STS: {tally(warm_calls)}")
    print(f"AWSMFA_AGENT=off each:                {off.seconds:6.2f} s   STS: {tally(off_calls)}")
    print(f"shell loop of awsmfa exec, warm agent: {loop:6.2f} s   STS: {tally(loop_calls)}")
    per_warm, per_cold = warm.seconds / count * 1000, cold.seconds / count * 1000
    per_loop = loop / count * 1000
    print(
        f"per profile: each warm {per_warm:.1f} ms, each cold {per_cold:.1f} ms, "
        f"loop {per_loop:.1f} ms  (each warm = {per_warm / per_loop:.2f} x loop)"
    )
    mib = [run.peak_rss_kib / 1024 for run in (cold, warm, off)]
    print(
        f"parent peak RSS at -j {bench.jobs}: agent on {mib[0]:.1f} MiB (cold), "
        f"{mib[1]:.1f} MiB (warm); AWSMFA_AGENT=off {mib[2]:.1f} MiB"
    )
    table = cold.stderr.splitlines()
    print("summary table of the cold run (first 4 and last 2 lines):")
    for line in [*table[:4], "...", *table[-2:]]:
        print(f"    {line}")
    assert len(names) == count


def scaling(bench: Bench, sizes: list[int]) -> None:
    print(f"\n== scaling, -j {bench.jobs} ==")
    print(f"{'profiles':>9} {'cold':>9} {'warm':>9} {'agent off':>10}  STS calls (cold)")
    for count in sizes:
        bench.profiles(count)
        bench.stop_agent()
        bench.calls()
        cold = bench.each()
        calls = bench.calls()
        warm = bench.each()
        bench.calls()
        bench.stop_agent()
        off = bench.each(AWSMFA_AGENT="off")
        bench.calls()
        print(
            f"{count:>9} {cold.seconds:8.2f}s {warm.seconds:8.2f}s {off.seconds:9.2f}s  "
            f"{tally(calls)}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--scale", default="10,100,1000")
    parser.add_argument("--jobs", type=int, default=16)
    args = parser.parse_args()
    install_awsmfa()
    with (
        tempfile.TemporaryDirectory(prefix="awsmfa-bench-each-") as tmp,
        serving("tests.support.moto_sts") as sts,
    ):
        bench = Bench(Path(tmp), sts, args.jobs)
        try:
            main_size(bench, args.profiles)
            scaling(bench, [int(size) for size in args.scale.split(",") if size])
        finally:
            bench.stop_agent()


if __name__ == "__main__":
    main()
