"""Side-by-side timings of awsmfa and awsume against a moto STS on loopback.

    python bench/run.py [--rounds N] [--skip-awsume]

Starts a moto server on 127.0.0.1, writes a throwaway config into a temporary HOME, installs
this checkout the way users do (`pip install .`, not editable) into bench/.venv-awsmfa and
awsume from PyPI into bench/.venv-awsume, and times each pair
alternately (A B, B A, ...) so machine drift hits both sides. Reports medians, ratios, the
peak RSS of the hot path, and how `list` and a hot `exec` scale with the number of profiles.
Everything is printed; nothing is asserted, but each performance target gets a
`PASS`/`MISS` line.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
ROOT = HERE.parent
AWSMFA_VENV = HERE / ".venv-awsmfa"
AWSMFA = str(AWSMFA_VENV / "bin" / "awsmfa")
AWSMFA_PYTHON = str(AWSMFA_VENV / "bin" / "python")
AWSUME_VENV = HERE / ".venv-awsume"
CODE = "123456"
ACCOUNT = "123456789012"

CREDENTIALS = """\
[landing]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


def config_text(profiles: int) -> str:
    """A config with `profiles` profiles: landing, dev, prod, then filler roles."""
    lines = [
        "[profile landing]",
        "region = eu-west-1",
        f"mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/alice",
        "",
    ]
    names = ["dev", "prod"] + [f"team{i:05d}" for i in range(max(profiles - 3, 0))]
    for name in names:
        lines += [
            f"[profile {name}]",
            f"role_arn = arn:aws:iam::{ACCOUNT}:role/{name}",
            "source_profile = landing",
            "region = eu-central-1",
            "",
        ]
    return "\n".join(lines)


@dataclass
class Sample:
    seconds: float
    max_rss_kib: int


def timed(args: Sequence[str], env: dict[str, str]) -> Sample:
    """Wall time and peak RSS (across exec) of one run; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(args),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {process.returncode}: {errors.decode()[-500:]}")
    return Sample(elapsed, int(usage.ru_maxrss))


# The least a client of the agent can do in Python: import what it needs, connect, exec.
PHYSICAL_FLOOR = (
    "import os, socket, json; s = socket.socket(socket.AF_UNIX); "
    "s.connect(os.environ['AWSMFA_AGENT_SOCK']); os.execv('/bin/true', ['true'])"
)
GNU_TIME = "/usr/bin/time"


def peak_rss_mib(args: Sequence[str], env: dict[str, str]) -> float | None:
    """The peak RSS of one run, by GNU time (a process forked from this big one inherits
    its high-water mark, so wait4's ru_maxrss says more about the benchmark than the run);
    None where GNU time is missing."""
    if not Path(GNU_TIME).exists():
        return None
    done = subprocess.run(
        [GNU_TIME, "-f", "%M", *args], env=env, capture_output=True, text=True, check=True
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def alternate(
    rounds: int,
    first: Callable[[], Sample],
    second: Callable[[], Sample],
) -> tuple[list[Sample], list[Sample]]:
    a: list[Sample] = []
    b: list[Sample] = []
    for index in range(rounds):
        if index % 2 == 0:
            a.append(first())
            b.append(second())
        else:
            b.append(second())
            a.append(first())
    return a, b


def median(samples: list[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def install_awsmfa() -> None:
    """This checkout, installed the way users install it (not editable) into its own venv."""
    pip = AWSMFA_VENV / "bin" / "pip"
    if not pip.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AWSMFA_VENV)], check=True)
        subprocess.run([str(pip), "install", "-q", str(ROOT)], check=True)
    subprocess.run(
        [str(pip), "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)], check=True
    )


def awsume_bin() -> Path:
    command = AWSUME_VENV / "bin" / "awsumepy"
    if not command.exists():
        print("installing awsume into bench/.venv-awsume ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(AWSUME_VENV)], check=True)
        subprocess.run(
            [str(AWSUME_VENV / "bin" / "pip"), "install", "-q", "awsume"],
            check=True,
        )
    return command


class Bench:
    def __init__(self, root: Path, endpoint: str) -> None:
        self.root = root
        self.home = root / "home"
        (self.home / ".aws").mkdir(parents=True)
        # Both tools run as users run them: none of our AWS settings, and no PYTHON* switch
        # of the developer's shell (PYTHONDONTWRITEBYTECODE, PYTHONUNBUFFERED, PYTHONPATH...).
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "AWSMFA_", "PYTHON"))
        }
        self.env.update(
            HOME=str(self.home),
            AWS_ENDPOINT_URL=endpoint,
            AWSMFA_AGENT_SOCK=str(root / "agent" / "agent.sock"),
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        self.write_config(10)

    def write_config(self, profiles: int) -> None:
        (self.home / ".aws" / "config").write_text(config_text(profiles))
        (self.home / ".aws" / "credentials").write_text(CREDENTIALS)

    def awsmfa(self, *args: str, **extra: str) -> Sample:
        return timed([AWSMFA, *args], {**self.env, **extra})

    def prime(self) -> None:
        """Put dev's credentials into the agent, so the next exec is hot."""
        self.awsmfa("exec", "dev", "-t", CODE, "--", "true")

    def stop_agent(self) -> None:
        subprocess.run(
            [AWSMFA, "agent", "stop"],
            env=self.env,
            capture_output=True,
            check=False,
        )


def row(name: str, a: list[Sample], b: list[Sample], b_name: str) -> float:
    ratio = median(a) / median(b)
    print(
        f"{name:<44} {median(a) * 1000:8.1f} ms  {b_name:<22} {median(b) * 1000:8.1f} ms"
        f"  ratio {ratio:5.2f}"
    )
    return ratio


def verdict(ok: bool, text: str) -> None:
    print(f"{'PASS' if ok else 'MISS'}  {text}")


def run(rounds: int, with_awsume: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="awsmfa-bench-") as tmp, moto_server() as endpoint:
        bench = Bench(Path(tmp), endpoint)
        awsume = str(awsume_bin()) if with_awsume else None
        # The floor is the interpreter awsmfa runs on, without the dev venv's editable finder.
        python_pass = [AWSMFA_PYTHON, "-c", "pass"]
        bench.prime()
        if awsume:
            timed([awsume, "dev", "--mfa-token", CODE], bench.env)
        print(f"{rounds} rounds each, alternating; medians of wall time\n")
        ratios: dict[str, float] = {}
        if awsume:
            hot, theirs = alternate(
                rounds,
                lambda: bench.awsmfa("exec", "dev", "--", "true"),
                lambda: timed([awsume, "dev"], bench.env),
            )
            ratios["hot exec"] = row("1. hot  awsmfa exec dev -- true", hot, theirs, "awsumepy dev")
            hot_env, theirs_env = alternate(
                rounds,
                # No --shell: the shell is detected from the parent process, as users run it.
                lambda: bench.awsmfa("env", "dev"),
                lambda: timed([awsume, "dev", "-s"], bench.env),
            )
            ratios["hot env"] = row(
                "2. hot  awsmfa env dev", hot_env, theirs_env, "awsumepy dev -s"
            )
            cold, theirs_cold = alternate(
                rounds,
                lambda: bench.awsmfa("exec", "dev", "-t", CODE, "--", "true", AWSMFA_AGENT="off"),
                lambda: timed([awsume, "dev", "--mfa-token", CODE, "-r"], bench.env),
            )
            ratios["cold"] = row(
                "3. cold awsmfa exec -t CODE (agent off)", cold, theirs_cold, "awsumepy -r"
            )
        hot, floor = alternate(
            rounds,
            lambda: bench.awsmfa("exec", "dev", "--", "true"),
            lambda: timed(python_pass, bench.env),
        )
        ratios["hot exec floor"] = row(
            "4. hot  awsmfa exec dev -- true", hot, floor, "python -c pass"
        )
        hot_env, floor_env = alternate(
            rounds, lambda: bench.awsmfa("env", "dev"), lambda: timed(python_pass, bench.env)
        )
        ratios["hot env floor"] = row(
            "   hot  awsmfa env dev", hot_env, floor_env, "python -c pass"
        )
        physical, floor_physical = alternate(
            rounds,
            lambda: timed([AWSMFA_PYTHON, "-c", PHYSICAL_FLOOR], bench.env),
            lambda: timed(python_pass, bench.env),
        )
        row("   import os/socket/json, connect, exec", physical, floor_physical, "python -c pass")
        hot_again, framework = alternate(
            rounds,
            lambda: bench.awsmfa("exec", "dev", "--", "true"),
            lambda: bench.awsmfa("--version"),
        )
        row("   hot  awsmfa exec dev -- true", hot_again, framework, "awsmfa --version (typer)")
        rss = {
            name: peak_rss_mib(args, bench.env)
            for name, args in (
                ("hot exec", [AWSMFA, "exec", "dev", "--", "true"]),
                ("hot env", [AWSMFA, "env", "dev"]),
                ("python -c pass", python_pass),
                *((("awsumepy dev", [awsume, "dev"]),) if awsume else ()),
            )
        }
        shown = ", ".join(f"{name} {mib:.1f} MiB" for name, mib in rss.items() if mib is not None)
        print(f"5. peak RSS (GNU time): {shown or 'n/a: no ' + GNU_TIME}")
        peak = max((mib for name, mib in rss.items() if name.startswith("hot") and mib), default=0)
        print("\n6. scaling with the number of profiles (medians)")
        print(f"{'profiles':>9} {'list':>10} {'hot exec':>10}")
        scale: dict[int, tuple[float, float]] = {}
        for profiles in (10, 100, 1000, 10000):
            bench.write_config(profiles)
            bench.prime()
            listing = [bench.awsmfa("list") for _ in range(max(rounds // 3, 3))]
            hot_exec = [bench.awsmfa("exec", "dev", "--", "true") for _ in range(rounds)]
            scale[profiles] = (median(listing), median(hot_exec))
            print(f"{profiles:>9} {median(listing) * 1000:8.1f}ms {median(hot_exec) * 1000:8.1f}ms")
        bench.stop_agent()
        print()
        if awsume:
            verdict(
                ratios["hot exec"] <= 0.20, f"hot exec ≤ 0.20 x awsume's ({ratios['hot exec']:.2f})"
            )
            verdict(
                ratios["hot env"] <= 0.20, f"hot env ≤ 0.20 x awsume's -s ({ratios['hot env']:.2f})"
            )
            verdict(ratios["cold"] <= 0.70, f"cold ≤ 0.70 x awsume's cold ({ratios['cold']:.2f})")
        for name in ("hot exec floor", "hot env floor"):
            label = name.removesuffix(" floor")
            ratio = ratios[name]
            verdict(ratio <= 2.5, f"{label} ≤ 2.5 x python -c pass ({ratio:.2f})")
        verdict(0 < peak <= 16, f"peak RSS of a hot exec or env ≤ 16 MiB ({peak:.1f} MiB)")
        verdict(scale[10000][0] < 2, f"list of 10,000 profiles < 2 s ({scale[10000][0]:.2f} s)")
        growth = scale[10000][1] / scale[10][1]
        verdict(growth <= 1.5, f"hot exec at 10,000 profiles ≤ 1.5 x at 10 ({growth:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--skip-awsume", action="store_true", help="only awsmfa's own figures")
    args = parser.parse_args()
    if shutil.which("moto_server", path=str(BIN)) is None:
        raise SystemExit("moto_server is missing: pip install -e '.[test]'")
    install_awsmfa()
    run(args.rounds, not args.skip_awsume)


if __name__ == "__main__":
    main()
