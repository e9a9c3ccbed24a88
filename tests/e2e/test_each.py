"""`awsmfa each` through the installed command against moto on loopback: one MFA session
for the whole run, whole prefixed lines, fail-fast and --keep-going, Ctrl-C and the other
stopping signals, the summary."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from awsmfa_exec.fleet.run import GRACE
from tests.support.aws_files import CODE, AwsFiles, role_arn_of
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.fleet import write_fleet
from tests.support.other_uid import NOBODY, as_uid
from tests.support.sts_server import Moto, serving


def lines_of(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize("agent", ["on", "off"])
def test_one_session_for_the_whole_run_and_a_role_per_profile(
    moto: Moto, aws_files: AwsFiles, agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = write_fleet(aws_files, 6)
    monkeypatch.setenv("AWSMFA_AGENT", agent)
    result = awsmfa(
        "each", "acct-*", "-t", CODE, "-j", "4", "--",
        "sh", "-c", 'echo "$AWSMFA_PROFILE $AWS_REGION"',
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(lines_of(result.stdout)) == [f"{n} | {n} eu-central-1" for n in names]
    assert moto.calls() == ["GetSessionToken"] + ["AssumeRole"] * 6
    table = lines_of(result.stderr)
    assert table[0].split() == ["PROFILE", "STATUS", "EXIT", "TIME"]
    assert [row.split()[:3] for row in table[1:7]] == [[n, "ok", "0"] for n in names]
    assert table[-1].startswith("awsmfa each: 6 profiles in ")
    assert table[-1].endswith(": 6 ok")


def test_the_child_environment_is_the_one_exec_gives(moto: Moto, aws_files: AwsFiles) -> None:
    write_fleet(aws_files, 2)
    by_exec = awsmfa("exec", "acct-001", "-t", CODE, "--", "env")
    by_each = awsmfa("each", "acct-001", "--no-prefix", "--", "env")
    assert by_exec.returncode == 0, by_exec.stderr
    assert by_each.returncode == 0, by_each.stderr

    def variables(text: str) -> dict[str, str]:
        return dict(line.split("=", 1) for line in lines_of(text) if "=" in line)

    seen_exec, seen_each = variables(by_exec.stdout), variables(by_each.stdout)
    assert seen_each == seen_exec
    assert seen_each["AWSMFA_PROFILE"] == "acct-001"
    assert seen_each["AWS_ACCESS_KEY_ID"].startswith("ASIA")


def test_lines_are_whole_and_prefixed_while_children_write_at_once(
    moto: Moto, aws_files: AwsFiles
) -> None:
    names = write_fleet(aws_files, 4)
    script = textwrap.dedent(
        """
        import os, sys
        me = os.environ["AWSMFA_PROFILE"]
        for n in range(2000):
            stream = sys.stdout if n % 2 else sys.stderr
            stream.write(f"{me} {n} " + "x" * (n % 500) + "\\n")
            if n % 7 == 0:
                stream.flush()
        """
    )
    result = awsmfa("each", "acct-*", "-t", CODE, "-j", "4", "--", sys.executable, "-c", script)
    assert result.returncode == 0, result.stderr
    out, err = lines_of(result.stdout), lines_of(result.stderr)
    for name in names:
        mine_out = [line for line in out if line.startswith(f"{name} | ")]
        mine_err = [line for line in err if line.startswith(f"{name} | ")]
        expected = [f"{name} | {name} {n} " + "x" * (n % 500) for n in range(2000)]
        assert mine_out == expected[1::2]
        assert mine_err == expected[0::2]
    assert len(out) == 4000


def test_no_prefix_gives_the_output_as_it_is(moto: Moto, aws_files: AwsFiles) -> None:
    write_fleet(aws_files, 3)
    result = awsmfa("each", "acct-001", "acct-000", "--no-prefix", "-t", CODE, "-j", "1", "--",
                    "sh", "-c", 'printf "%s\\n" "$AWSMFA_PROFILE"')  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "acct-000\nacct-001\n"  # config order, not command-line order


def marker_script(folder: Path, failing: str) -> str:
    """A child that leaves a file named after its profile and fails as `failing`."""
    return textwrap.dedent(
        f"""
        import os, pathlib, sys
        me = os.environ["AWSMFA_PROFILE"]
        pathlib.Path({str(folder)!r}, me).touch()
        sys.exit(1 if me == {failing!r} else 0)
        """
    )


def statuses(summary: str) -> dict[str, tuple[str, str]]:
    rows = [line.split() for line in lines_of(summary)[1:-1]]
    return {row[0]: (row[1], row[2]) for row in rows}


def test_fail_fast_stops_new_launches(moto: Moto, aws_files: AwsFiles, tmp_path: Path) -> None:
    names = write_fleet(aws_files, 6)
    ran = tmp_path / "ran"
    ran.mkdir()
    child = marker_script(ran, "acct-002")
    result = awsmfa("each", "acct-*", "-t", CODE, "-j", "1", "--", sys.executable, "-c", child)
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in ran.iterdir()) == names[:3]
    shown = statuses(result.stderr)
    assert shown == {
        "acct-000": ("ok", "0"),
        "acct-001": ("ok", "0"),
        "acct-002": ("failed", "1"),
        "acct-003": ("skipped", "-"),
        "acct-004": ("skipped", "-"),
        "acct-005": ("skipped", "-"),
    }
    # ordered by status: the failure last, nearest the prompt
    assert lines_of(result.stderr)[-2].split()[:2] == ["acct-002", "failed"]


def test_fail_fast_lets_running_children_finish(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    """acct-000 is still running when acct-001 fails: it finishes (ok); acct-002 never runs."""
    write_fleet(aws_files, 3)
    failed = tmp_path / "failed"
    child = textwrap.dedent(
        f"""
        import os, pathlib, sys, time
        me, failed = os.environ["AWSMFA_PROFILE"], pathlib.Path({str(failed)!r})
        if me == "acct-001":
            failed.write_text(str(os.getpid()))
            sys.exit(1)
        while not failed.exists():
            time.sleep(0.02)
        pid = int(failed.read_text() or 0)
        while pid and pathlib.Path(f"/proc/{{pid}}").exists():  # until awsmfa has reaped it
            time.sleep(0.02)
        time.sleep(0.5)
        print(me, "finished")
        """
    )
    result = awsmfa("each", "acct-*", "-t", CODE, "-j", "2", "--", sys.executable, "-c", child)
    assert result.returncode == 1, result.stderr
    assert result.stdout == "acct-000 | acct-000 finished\n"
    assert statuses(result.stderr) == {
        "acct-000": ("ok", "0"),
        "acct-001": ("failed", "1"),
        "acct-002": ("skipped", "-"),
    }


def test_keep_going_runs_every_profile(moto: Moto, aws_files: AwsFiles, tmp_path: Path) -> None:
    names = write_fleet(aws_files, 6)
    ran = tmp_path / "ran"
    ran.mkdir()
    child = marker_script(ran, "acct-002")
    result = awsmfa("each", "acct-*", "-t", CODE, "-j", "2", "--keep-going", "--",
                    sys.executable, "-c", child)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in ran.iterdir()) == names
    expected = dict.fromkeys(names, ("ok", "0")) | {"acct-002": ("failed", "1")}
    assert statuses(result.stderr) == expected
    assert moto.calls() == ["GetSessionToken"] + ["AssumeRole"] * 6


def start_fleet_of_sleepers(
    aws_files: AwsFiles, handling: str
) -> tuple[subprocess.Popen[str], list[str]]:
    """`each` over five profiles at -j 2, whose children run `handling` (Python that sets
    up signal handlers; `me` is the profile) and then sleep; returns once both print ready."""
    write_fleet(aws_files, 5)
    child = (
        textwrap.dedent(
            """
        import os, pathlib, signal, sys, time
        me = os.environ["AWSMFA_PROFILE"]
        """
        )
        + textwrap.dedent(handling)
        + textwrap.dedent(
            """
        print("ready", os.getpid(), flush=True)
        time.sleep(60)
        """
        )
    )
    process = subprocess.Popen(
        [AWSMFA, "each", "acct-*", "-t", CODE, "-j", "2", "--", sys.executable, "-c", child],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    ready = sorted(process.stdout.readline().split() for _ in range(2))
    assert [words[:3] for words in ready] == [
        ["acct-000", "|", "ready"],
        ["acct-001", "|", "ready"],
    ]
    return process, [words[3] for words in ready]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stopping_signal_reaches_every_child_and_sets_the_exit_status(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, signum: signal.Signals
) -> None:
    """Ctrl-C, `kill` and a closed terminal each reach every running child as themselves;
    nothing more starts, and awsmfa exits 128 + N (130 for Ctrl-C, as SPEC §6 says)."""
    caught = tmp_path / "caught"
    caught.mkdir()
    process, _ = start_fleet_of_sleepers(
        aws_files,
        f"""
        def stopped(signum, frame):
            pathlib.Path({str(caught)!r}, me).write_text(str(signum))
            print("caught", signal.Signals(signum).name, flush=True)
            sys.exit(3)
        signal.signal({int(signum)}, stopped)
        """,
    )
    # The children have their own process groups: only awsmfa is signalled here.
    process.send_signal(signum)
    rest, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum, err
    assert sorted(p.name for p in caught.iterdir()) == ["acct-000", "acct-001"]
    assert {p.read_text() for p in caught.iterdir()} == {str(int(signum))}
    assert sorted(lines_of(rest)) == [f"acct-00{n} | caught {signum.name}" for n in (0, 1)]
    assert statuses(err.split("\n\n")[0]) == {
        "acct-000": ("interrupted", "3"),
        "acct-001": ("interrupted", "3"),
        "acct-002": ("skipped", "-"),
        "acct-003": ("skipped", "-"),
        "acct-004": ("skipped", "-"),
    }


def test_a_child_that_ignores_ctrl_c_is_killed_after_the_grace(
    moto: Moto, aws_files: AwsFiles
) -> None:
    """A child that ignores SIGINT gets `GRACE` seconds, then SIGKILL: the run ends, and no
    child outlives it."""
    process, pids = start_fleet_of_sleepers(
        aws_files, "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    )
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=GRACE + 30)
    assert process.returncode == 130, err
    killed = str(128 + signal.SIGKILL)
    assert statuses(err.split("\n\n")[0]) == {
        "acct-000": ("interrupted", killed),
        "acct-001": ("interrupted", killed),
        "acct-002": ("skipped", "-"),
        "acct-003": ("skipped", "-"),
        "acct-004": ("skipped", "-"),
    }
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []


def test_json_puts_the_summary_alone_on_stdout(moto: Moto, aws_files: AwsFiles) -> None:
    write_fleet(aws_files, 3)
    script = 'echo "from $AWSMFA_PROFILE"; [ "$AWSMFA_PROFILE" != acct-001 ]'
    result = awsmfa(
        "each", "acct-*", "-t", CODE, "--json", "--keep-going", "--", "sh", "-c", script
    )
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 1
    assert summary["counts"] == {"ok": 2, "skipped": 0, "interrupted": 0, "failed": 1, "error": 0}
    rows = [(p["profile"], p["status"], p["exit_code"]) for p in summary["profiles"]]
    assert rows == [("acct-000", "ok", 0), ("acct-002", "ok", 0), ("acct-001", "failed", 1)]
    assert all(isinstance(p["seconds"], float) for p in summary["profiles"])
    assert "acct-001 | from acct-001" in lines_of(result.stderr)  # output moved to stderr


def test_output_dir_holds_each_profiles_output_only(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    names = write_fleet(aws_files, 3)
    out = tmp_path / "out"
    script = 'echo "out $AWSMFA_PROFILE"; echo "err $AWS_REGION" >&2'
    result = awsmfa(
        "each", "acct-*", "-t", CODE, "--output-dir", str(out), "--", "sh", "-c", script
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [f"{n}.log" for n in names]
    for name in names:
        saved = out / f"{name}.log"
        assert sorted(lines_of(saved.read_text())) == ["err eu-central-1", f"out {name}"]
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert "ASIA" not in saved.read_text()


def test_no_match_is_exit_3_before_any_sts_call(moto: Moto, aws_files: AwsFiles) -> None:
    write_fleet(aws_files, 2)
    glob = awsmfa("each", "prod-*", "-t", CODE, "--", "true")
    name = awsmfa("each", "acct-*", "acct-0001", "-t", CODE, "--", "true")
    assert glob.returncode == 3
    assert glob.stderr.startswith("awsmfa: error: no profile matches 'prod-*' in ")
    assert name.returncode == 3
    assert "did you mean 'acct-001'?" in name.stderr
    assert len(lines_of(glob.stderr)) == len(lines_of(name.stderr)) == 1
    assert moto.calls() == []


def test_from_file_reads_one_profile_a_line(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    write_fleet(aws_files, 4)
    listed = tmp_path / "accounts.txt"
    listed.write_text("# the ones with the bucket\nacct-003\n\nacct-001\nacct-003\n")
    result = awsmfa("each", "--from-file", str(listed), "-t", CODE, "--no-prefix", "-j", "1",
                    "--", "sh", "-c", 'echo "$AWSMFA_PROFILE"')  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "acct-001\nacct-003\n"
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "AssumeRole"]


def test_command_not_found_is_127_before_any_sts_call(moto: Moto, aws_files: AwsFiles) -> None:
    write_fleet(aws_files, 2)
    result = awsmfa("each", "acct-*", "-t", CODE, "--", "terrafrom", "plan")
    assert (result.returncode, result.stderr) == (
        127,
        "awsmfa: error: command not found: terrafrom\n",
    )
    assert moto.calls() == []


def test_the_command_may_follow_the_patterns_without_dashes(
    moto: Moto, aws_files: AwsFiles
) -> None:
    """As `exec dev terraform -version`: the first word after the PATTERNs that is neither a
    glob nor a profile's name starts the command, and every word after it is the command's."""
    write_fleet(aws_files, 2)
    result = awsmfa("each", "acct-*", "-t", CODE, "aws", "sts", "get-caller-identity",
                    "--query", "Arn", "--output", "text")  # fmt: skip
    assert result.returncode == 0, result.stderr
    arns = sorted(lines_of(result.stdout))
    assert len(arns) == 2, result.stdout
    for name, arn in zip(("acct-000", "acct-001"), arns, strict=True):
        assert arn.startswith(f"{name} | {role_arn_of(name)}"), arn
    named = awsmfa("each", "acct-001", "acct-000", "--no-prefix", "-j", "1",
                   "sh", "-c", 'echo "$AWSMFA_PROFILE $0"', "--debug")  # fmt: skip
    assert named.returncode == 0, named.stderr
    assert named.stdout == "acct-000 --debug\nacct-001 --debug\n"
    only_profiles = awsmfa("each", "acct-000", "acct-001", "-t", CODE)
    assert (only_profiles.returncode, only_profiles.stderr) == (
        2,
        "awsmfa: error: each needs a command (acct-000 acct-001: all PATTERNs): "
        "awsmfa each PATTERN... -- COMMAND [ARG]...\n",
    )


def test_usage_errors_are_exit_2(moto: Moto, aws_files: AwsFiles) -> None:
    write_fleet(aws_files, 2)
    no_command = awsmfa("each", "acct-*", "-t", CODE)
    no_jobs = awsmfa("each", "acct-*", "-j", "0", "--", "true")
    assert no_command.returncode == no_jobs.returncode == 2
    assert "each needs a command" in no_command.stderr
    assert "-j/--jobs must be 1 or more" in no_jobs.stderr


@pytest.mark.parametrize("agent", ["on", "off"])
def test_a_refused_code_ends_the_run_after_one_call(
    aws_files: AwsFiles, agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_fleet(aws_files, 8)
    monkeypatch.setenv("AWSMFA_AGENT", agent)
    with serving("tests.support.picky_sts") as picky:
        env = {**os.environ, "AWS_ENDPOINT_URL": picky.url}
        result = awsmfa("each", "acct-*", "-t", "000000", "--", "true", env=env)
        calls = picky.calls()
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith("awsmfa: error: STS rejected the MFA code")
    assert calls == ["GetSessionToken refused"]


def test_progress_line_on_a_terminal_and_never_in_a_pipe(moto: Moto, aws_files: AwsFiles) -> None:
    """stderr a pty: a `done/total` line drawn in place and wiped for the summary; stderr a
    pipe: not a byte of it."""
    import pty

    names = write_fleet(aws_files, 3)
    args = [AWSMFA, "each", "acct-*", "-t", CODE, "-j", "1", "--", "sh", "-c", "sleep 0.2"]
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every writer to the pty has gone
                break
            if not chunk:
                break
            seen += chunk
        assert process.wait(timeout=120) == 0
        assert process.stdout is not None
        process.stdout.close()
    finally:
        os.close(master)
    assert b"\r\x1b[Kawsmfa each: 0/3 done, 0 failed" in seen
    assert b"awsmfa each: 3/3 done, 0 failed, 0 running" in seen
    summary = seen.rsplit(b"\r\x1b[K", 1)[-1].decode().splitlines()
    assert summary[0].split() == ["PROFILE", "STATUS", "EXIT", "TIME"]
    assert [row.split()[0] for row in summary[1:4]] == names
    piped = awsmfa("each", "acct-*", "-j", "1", "--", "true")
    assert piped.returncode == 0, piped.stderr
    assert "done," not in piped.stderr
    assert "\x1b" not in piped.stderr


def test_output_dir_another_uid_made_or_others_can_write_is_refused(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, shared_dir: Path
) -> None:
    """A 0777 folder of uid 65534's with a 0666 acct-000.log got the victim's output."""
    write_fleet(aws_files, 1)
    planted = shared_dir / "planted"
    trap = planted / "acct-000.log"
    planted.mkdir()
    os.chown(planted, NOBODY, NOBODY)
    plant = f"chmod 0777 {planted} && umask 0 && : > {trap}"
    assert run(as_uid(NOBODY, "sh", "-c", plant), cwd=Path("/")).returncode == 0
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    for folder, why in ((planted, f"owned by uid {NOBODY}"), (shared, "writable by others")):
        result = awsmfa("each", "acct-000", "-t", CODE, "--output-dir", str(folder), "--", "env")
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"awsmfa: error: --output-dir {folder} is {why}")
        assert len(lines_of(result.stderr)) == 1
    assert trap.read_text() == ""
    assert moto.calls() == []


def test_output_dir_refuses_a_fifo_and_keeps_names_apart(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    """A FIFO named other.log hung `each` past SIGTERM and SIGINT; `acct/x` and `acct_x`
    both wrote acct_x.log. A second run into the same folder replaces its files."""
    write_fleet(aws_files, 0)
    extra = "".join(
        f"\n[profile {name}]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
        "source_profile = landing\n"
        for name in ("acct/x", "acct_x")
    )
    aws_files.config.write_text(aws_files.config.read_text() + extra)
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    os.mkfifo(out / "other.log")
    args = ("each", "acct?x", "other", "-t", CODE, "--keep-going", "--output-dir", str(out))
    script = 'echo "from $AWSMFA_PROFILE"'
    result = awsmfa(*args, "--", "sh", "-c", script, timeout=30)
    assert result.returncode == 1, result.stderr
    assert f"cannot write {out}/other.log: not a regular file" in result.stderr
    assert stat.S_ISFIFO((out / "other.log").lstat().st_mode)
    files = {p.name: p.read_text() for p in out.iterdir() if p.name != "other.log"}
    assert files == {"acct%2Fx.log": "from acct/x\n", "acct_x.log": "from acct_x\n"}
    again = awsmfa(*args, "--", "sh", "-c", f"{script}; echo again", timeout=30)
    assert again.returncode == 1, again.stderr
    assert (out / "acct_x.log").read_text() == "from acct_x\nagain\n"


def test_control_characters_in_profile_names_reach_no_terminal(
    moto: Moto, aws_files: AwsFiles
) -> None:
    """A profile named with ESC sequences is printed without them, in prefixes and summary."""
    write_fleet(aws_files, 0)
    name = "evil\x1b]0;owned\x07\x1b[2J"
    aws_files.config.write_text(
        aws_files.config.read_text()
        + f"\n[profile {name}]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
        "source_profile = landing\n"
    )
    result = awsmfa("each", "evil*", "-t", CODE, "--", "echo", "hi")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert result.stdout == "evil]0;owned[2J | hi\n"
