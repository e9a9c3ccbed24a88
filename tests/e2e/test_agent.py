"""The session agent, driven through the installed `awsmfa` against moto on loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path
from subprocess import CompletedProcess

from awsmfa_exec.prompts import HOW_TO_GIVE_A_CODE
from tests.support.agent import agent_pid, wait_gone
from tests.support.aws_files import CODE, AwsFiles
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.sts_server import Moto, serving


def sock() -> Path:
    return Path(os.environ["AWSMFA_AGENT_SOCK"])


def status() -> dict[str, object]:
    result = awsmfa("agent", "status", "--json")
    assert result.returncode == 0, result.stderr
    shown: dict[str, object] = json.loads(result.stdout)
    return shown


def in_parallel(count: int, *args: str) -> list[tuple[int, str]]:
    """`awsmfa ARGS` started `count` times at once, without a terminal: (status, stderr)s."""
    procs = [
        subprocess.Popen(
            [AWSMFA, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    return [(proc.wait(timeout=60), proc.communicate()[1]) for proc in procs]


def test_one_code_serves_later_execs_and_other_roles(moto: Moto) -> None:
    first = awsmfa("exec", "dev", "-t", CODE, "--", "true")
    again = awsmfa("exec", "dev", "--", "sh", "-c", 'echo "$AWSMFA_PROFILE $AWS_REGION"')
    other = awsmfa("exec", "prod", "--", "sh", "-c", 'echo "$AWSMFA_PROFILE $AWS_REGION"')
    assert first.returncode == 0, first.stderr
    assert (again.returncode, again.stdout) == (0, "dev eu-central-1\n"), again.stderr
    assert (other.returncode, other.stdout) == (0, "prod us-east-2\n"), other.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "AssumeRole"]


def test_sixteen_parallel_cold_execs_make_one_call_of_each(moto: Moto) -> None:
    outcomes = in_parallel(16, "exec", "dev", "-t", CODE, "--", "true")
    assert [code for code, _ in outcomes] == [0] * 16, outcomes
    assert sorted(moto.calls()) == ["AssumeRole", "GetSessionToken"]


def test_parallel_cold_execs_without_a_code_all_fail_cleanly(moto: Moto) -> None:
    outcomes = in_parallel(6, "exec", "dev", "--", "true")
    assert {code for code, _ in outcomes} == {2}
    assert all(HOW_TO_GIVE_A_CODE in err for _, err in outcomes)
    assert moto.calls() == []


def test_clear_makes_the_next_exec_ask_for_a_code(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    cleared = awsmfa("clear")
    after = awsmfa("exec", "dev", "--", "true")
    assert cleared.returncode == 0, cleared.stderr
    assert "forgot 2 credential(s)" in cleared.stderr
    assert after.returncode == 2
    assert after.stderr == (
        "awsmfa: error: profile dev needs an MFA code and there is no terminal to ask on: "
        f"{HOW_TO_GIVE_A_CODE}\n"
    )


def test_clear_profile_forgets_its_role_and_session_only(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    assert awsmfa("exec", "prod", "--", "true").returncode == 0
    assert awsmfa("clear", "dev").returncode == 0
    held = [(h["profile"], h["kind"]) for h in status()["held"]]  # type: ignore[attr-defined]
    assert held == [("prod", "role")]
    assert awsmfa("exec", "prod", "--", "true").returncode == 0
    assert awsmfa("exec", "dev", "--", "true").returncode == 2


def test_status_lists_what_is_held_and_no_secret(moto: Moto) -> None:
    got = awsmfa("exec", "dev", "-t", CODE, "--", "env")
    child = dict(line.split("=", 1) for line in got.stdout.splitlines() if "=" in line)
    human = awsmfa("agent", "status")
    shown = status()
    assert human.returncode == 0, human.stderr
    assert "landing  mfa-session" in human.stdout
    assert human.stdout.endswith("\n")
    assert shown["running"] is True
    assert {(h["profile"], h["kind"]) for h in shown["held"]} == {  # type: ignore[attr-defined]
        ("landing", "mfa-session"),
        ("dev", "role"),
    }
    for secret in (child["AWS_SECRET_ACCESS_KEY"], child["AWS_SESSION_TOKEN"]):
        assert secret not in human.stdout + human.stderr + json.dumps(shown)
    hardening = shown["hardening"]
    assert hardening["no_core_dumps"] is hardening["not_dumpable"] is True  # type: ignore[index]
    limits = Path(f"/proc/{shown['pid']}/limits").read_text()
    assert re.search(r"Max core file size\s+0\s", limits)  # the soft limit


def test_status_tells_apart_the_roles_one_profile_holds(moto: Moto) -> None:
    for options in (["-d", "2h"], ["-d", "30m"], ["--no-session"]):
        assert awsmfa("exec", "dev", "-t", CODE, *options, "--", "true").returncode == 0
    human = awsmfa("agent", "status").stdout
    for shown in ("role (-d 2h)", "role (-d 30m)", "role (--no-session)", "mfa-session (12h)"):
        assert human.count(shown) == 1, human
    details = {(h["kind"], h["detail"]) for h in status()["held"]}  # type: ignore[attr-defined]
    assert details == {
        ("role", "-d 2h"),
        ("role", "-d 30m"),
        ("role", "--no-session"),
        ("mfa-session", "12h"),
    }


def test_edited_chain_is_never_served_stale(moto: Moto, aws_files: AwsFiles) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    text = aws_files.config.read_text().replace("role/dev\n", "role/dev2\n")
    aws_files.config.write_text(text)
    result = awsmfa("exec", "dev", "--", "sh", "-c", 'echo "$AWS_ACCESS_KEY_ID"')
    assert result.returncode == 0, result.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole", "AssumeRole"]


def test_agent_off_goes_to_sts_every_time(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_AGENT": "off"}
    for _ in range(2):
        assert awsmfa("exec", "dev", "-t", CODE, "--", "true", env=env).returncode == 0
    assert moto.calls() == ["GetSessionToken", "AssumeRole"] * 2
    assert not sock().exists()


def test_unusable_socket_dir_falls_back_to_sts_and_says_so(moto: Moto, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    env = {**os.environ, "AWSMFA_AGENT_SOCK": str(shared / "agent.sock")}
    result = awsmfa("exec", "dev", "-t", CODE, "--", "true", env=env)
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("awsmfa: not using the agent: agent socket directory ")
    assert "is open to others (mode 0777)" in line
    assert line.endswith("; calling STS directly")
    assert not (shared / "agent.sock").exists()


def test_socket_and_directory_are_private(moto: Moto) -> None:
    assert awsmfa("agent", "start").returncode == 0
    assert stat.S_IMODE(sock().parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(sock().stat().st_mode) == 0o600


def test_sigkill_loses_nothing_the_user_must_fix(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    pid = agent_pid(sock())
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert wait_gone(pid)
    assert sock().exists()  # the dead agent's socket is left behind
    result = awsmfa("exec", "dev", "-t", CODE, "--", "true")
    assert result.returncode == 0, result.stderr
    assert agent_pid(sock()) not in (None, pid)
    assert moto.calls() == ["GetSessionToken", "AssumeRole"] * 2


def test_notes_of_the_agent_reach_the_client(moto: Moto) -> None:
    result = awsmfa("exec", "deep", "-t", CODE, "-d", "2h", "--", "true")
    again = awsmfa("--debug", "exec", "deep", "-d", "2h", "--", "true")
    assert result.returncode == 0, result.stderr
    assert "limits chained role sessions to 1h" in result.stderr
    assert "limits chained role sessions to 1h" in again.stderr
    assert "the agent holds the role of deep" in again.stderr


def test_agent_exits_by_itself_when_it_holds_nothing(moto: Moto) -> None:
    env = {**os.environ, "AWSMFA_AGENT_GRACE": "0.5"}
    assert awsmfa("agent", "start", env=env).returncode == 0
    pid = agent_pid(sock())
    assert pid is not None
    assert wait_gone(pid)
    assert not sock().exists()


def test_cache_hit_exec_loads_no_botocore(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    args = [sys.executable, "-X", "importtime", "-m", "awsmfa_exec", "exec", "dev", "--", "true"]
    result = run(args)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "awsmfa_exec.agent.client" in imported
    assert not {"boto3", "botocore.session", "botocore.client"} & imported
    assert not [name for name in imported if name.startswith("botocore")]
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_an_agent_answering_garbage_is_bypassed(moto: Moto) -> None:
    sock().parent.mkdir(mode=0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock()))
    listener.listen(1)

    def serve_garbage() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"\0\0\0\x05hello")

    server = threading.Thread(target=serve_garbage)
    server.start()
    try:
        result = awsmfa("--debug", "exec", "dev", "-t", CODE, "--", "true")
    finally:
        server.join(timeout=10)
        listener.close()
    assert result.returncode == 0, result.stderr
    assert "the agent failed (a frame is not JSON): calling STS directly" in result.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def on_a_terminal(typed: str, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    """`exec dev` on a pseudo-terminal (script), with `typed` as the keyboard."""
    command = f'"{AWSMFA}" exec dev -- sh -c \'echo "profile=$AWSMFA_PROFILE"\''
    return run(["script", "-qec", command, "/dev/null"], input=typed, env=env)


def test_code_typed_at_the_terminal_serves_later_execs(moto: Moto) -> None:
    first = on_a_terminal(f"{CODE}\n")
    second = on_a_terminal("")
    assert first.returncode == 0, first.stdout
    assert "MFA code for arn:aws:iam::123456789012:mfa/alice: " in first.stdout
    assert "profile=dev" in first.stdout
    assert second.returncode == 0, second.stdout
    assert "MFA code" not in second.stdout
    assert "profile=dev" in second.stdout
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_terminal_prompt_works_without_the_agent(moto: Moto) -> None:
    result = on_a_terminal(f"{CODE}\n", env={**os.environ, "AWSMFA_AGENT": "off"})
    assert result.returncode == 0, result.stdout
    assert "MFA code for arn:aws:iam::123456789012:mfa/alice: " in result.stdout
    assert "profile=dev" in result.stdout


def test_list_shows_minutes_left_on_what_the_agent_holds(moto: Moto) -> None:
    assert awsmfa("exec", "dev", "-t", CODE, "--", "true").returncode == 0
    listed = awsmfa("list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert 715 <= rows["landing"]["session_minutes_left"] <= 720
    assert 715 <= rows["dev"]["session_minutes_left"] <= 720
    assert 55 <= rows["dev"]["role_minutes_left"] <= 60
    assert rows["landing"]["role_minutes_left"] is None
    assert rows["prod"]["role_minutes_left"] is None


def test_a_rejected_typed_code_is_asked_again_through_the_agent(aws_files: AwsFiles) -> None:
    with serving("tests.support.picky_sts") as picky:
        env = {**os.environ, "AWS_ENDPOINT_URL": picky.url}
        given = awsmfa("exec", "prod", "--no-session", "-t", "000000", "--", "true", env=env)
        result = on_a_terminal(f"000000\n{CODE}\n", env=env)
        calls = picky.calls()
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("MFA code for arn:aws:iam::123456789012:mfa/alice: ") == 2
    assert "STS rejected that MFA code; wait for the next one and try again" in result.stdout
    assert "profile=dev" in result.stdout
    assert calls == [
        "AssumeRole refused",
        "GetSessionToken refused",
        "GetSessionToken",
        "AssumeRole",
    ]
    assert given.returncode == 4
    assert given.stderr == (
        "awsmfa: error: STS rejected the MFA code for arn:aws:iam::123456789012:mfa/alice "
        "(AssumeRole); use the next code from your device\n"
    )


def test_the_agent_reaches_sts_as_each_clients_profile_says(
    moto: Moto, aws_files: AwsFiles, closed_port: int
) -> None:
    """[default]'s endpoint_url steers no other profile, and the agent's own environment (the
    first client's) steers no later client: each call goes where the caller's profile says."""
    nowhere = f"http://127.0.0.1:{closed_port}"
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    text = f"[default]\nendpoint_url = {nowhere}\n" + aws_files.config.read_text()
    text = text.replace("[profile dev]\n", "[profile dev]\nservices = double\n")
    aws_files.config.write_text(f"{text}\n[services double]\nsts =\n  endpoint_url = {moto.url}\n")
    first = awsmfa(
        "exec", "dev", "-t", CODE, "--", "true", env={**env, "AWS_ENDPOINT_URL": nowhere}
    )
    assert first.returncode == 5, first.stderr  # the agent now runs with that environment
    again = awsmfa("exec", "dev", "-t", CODE, "--debug", "--", "true", env=env)
    assert again.returncode == 0, again.stderr
    assert f"STS endpoint for dev: {moto.url}" in again.stderr
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]
