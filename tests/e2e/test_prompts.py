"""MFA prompt drivers with no terminal (a new session, stdin not a tty): fake zenity,
kdialog, osascript and ykman on PATH, the installed awsmfa, moto STS on loopback."""

from __future__ import annotations

import json
import os

import pytest

from tests.support.aws_files import CODE, SERIAL, AwsFiles, role_arn_of
from tests.support.commands import AWSMFA, BIN, awsmfa, run
from tests.support.fake_prompts import FakeTools
from tests.support.sts_server import Moto

QUESTION = f"MFA code for {SERIAL} (profile dev):"
ARGV = {
    "zenity": ["--entry", "--hide-text", "--title=awsmfa", f"--text={QUESTION}"],
    "kdialog": ["--title", "awsmfa", "--password", QUESTION],
    "osascript": [
        "-e",
        "on run argv",
        "-e",
        'display dialog (item 1 of argv) default answer "" with hidden answer with title '
        '"awsmfa" buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel"',
        "-e",
        "return text returned of result",
        "-e",
        "end run",
        QUESTION,
    ],
    "ykman": ["oath", "accounts", "code", "--single", "--", "alice"],
}
JSON = ("env", "dev", "--shell", "json")


def session(fakes: FakeTools, **extra: str) -> dict[str, str]:
    """No terminal (`run` starts a new session), the fakes and awsmfa alone on PATH."""
    return {**os.environ, "PATH": f"{fakes.where}{os.pathsep}{BIN}", **extra}


def set_in_landing(aws_files: AwsFiles, *lines: str) -> None:
    config = aws_files.config.read_text()
    added = "".join(f"{line}\n" for line in lines)
    landing = "[profile landing]\n"
    aws_files.config.write_text(config.replace(landing, f"{landing}{added}"))


def assert_credentials(result: object) -> None:
    assert getattr(result, "returncode", None) == 0, getattr(result, "stderr", "")
    assert json.loads(getattr(result, "stdout", ""))["Version"] == 1


def test_zenity_is_the_default_with_a_display_and_no_terminal(moto: Moto, fakes: FakeTools) -> None:
    fakes.install("zenity", f"code:{CODE}")
    fakes.install("kdialog", f"code:{CODE}")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99"))
    assert_credentials(result)
    assert fakes.calls("zenity") == [ARGV["zenity"]]
    assert fakes.calls("kdialog") == []
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]


def test_wayland_alone_is_a_desktop_session(moto: Moto, fakes: FakeTools) -> None:
    fakes.install("zenity", f"code:{CODE}")
    assert_credentials(awsmfa(*JSON, env=session(fakes, WAYLAND_DISPLAY="wayland-0")))
    assert fakes.calls("zenity") == [ARGV["zenity"]]


@pytest.mark.parametrize("with_zenity", [False, True], ids=["kdialog only", "KDE session"])
def test_kdialog_is_the_default_without_zenity_or_on_kde(
    moto: Moto, fakes: FakeTools, with_zenity: bool
) -> None:
    fakes.install("kdialog", f"code:{CODE}")
    extra = {"DISPLAY": ":99"}
    if with_zenity:
        fakes.install("zenity", f"code:{CODE}")
        extra["XDG_CURRENT_DESKTOP"] = "KDE"
    assert_credentials(awsmfa(*JSON, env=session(fakes, **extra)))
    assert fakes.calls("kdialog") == [ARGV["kdialog"]]
    assert fakes.calls("zenity") == []


@pytest.mark.parametrize("tool", ["zenity", "kdialog", "osascript", "ykman"])
def test_mfa_prompt_chooses_the_driver(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools, tool: str
) -> None:
    for each in ("zenity", "kdialog", "osascript", "ykman"):
        fakes.install(each, f"code:{CODE}")
    set_in_landing(aws_files, f"mfa_prompt = {tool}")
    assert_credentials(awsmfa(*JSON, env=session(fakes, DISPLAY=":99")))
    assert {each: fakes.calls(each) for each in ARGV} == {
        each: [ARGV[each]] if each == tool else [] for each in ARGV
    }


def test_awsmfa_prompt_is_for_one_run_and_beats_the_files(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools
) -> None:
    fakes.install("osascript", f"code:{CODE}")
    set_in_landing(aws_files, "mfa_process = exit 7", "mfa_prompt = ykman")
    assert_credentials(awsmfa(*JSON, env=session(fakes, AWSMFA_PROMPT="osascript")))
    assert fakes.calls("osascript") == [ARGV["osascript"]]


def test_ykman_account_from_the_nearest_profile(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools
) -> None:
    fakes.install("ykman", f"code:{CODE}")
    set_in_landing(aws_files, "mfa_prompt = ykman", "mfa_ykman_account = landing-key")
    config = aws_files.config.read_text().replace(
        "[profile dev]\n", "[profile dev]\nmfa_ykman_account = Amazon Web Services:alice@dev\n"
    )
    aws_files.config.write_text(config)
    assert_credentials(awsmfa(*JSON, env=session(fakes)))
    assert fakes.calls("ykman") == [[*ARGV["ykman"][:-1], "Amazon Web Services:alice@dev"]]


def test_a_ykman_account_that_looks_like_an_option_stays_the_account(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools
) -> None:
    """The serial's user part `--show-hidden` was read by ykman as an option."""
    fakes.install("ykman", f"code:{CODE}")
    set_in_landing(aws_files, "mfa_prompt = ykman")
    config = aws_files.config.read_text().replace("mfa/alice", "mfa/--show-hidden")
    aws_files.config.write_text(config)
    assert_credentials(awsmfa(*JSON, env=session(fakes)))
    assert fakes.calls("ykman") == [[*ARGV["ykman"][:-1], "--show-hidden"]]


@pytest.mark.parametrize("tool", ["zenity", "kdialog", "osascript"])
def test_cancel_in_a_dialog_exits_130_with_one_line(
    moto: Moto, fakes: FakeTools, tool: str
) -> None:
    fakes.install(tool, "cancel")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99", AWSMFA_PROMPT=tool))
    assert result.returncode == 130
    assert result.stderr == f"awsmfa: error: the {tool} dialog was cancelled: no MFA code\n"
    assert result.stdout == ""
    assert moto.calls() == []


def test_cancel_without_the_agent_exits_130_too(moto: Moto, fakes: FakeTools) -> None:
    fakes.install("zenity", "cancel")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99", AWSMFA_AGENT="off"))
    assert result.returncode == 130
    assert result.stderr == "awsmfa: error: the zenity dialog was cancelled: no MFA code\n"


@pytest.mark.parametrize(
    "extra", [{}, {"DISPLAY": ":99"}], ids=["no desktop session", "no dialog tool on PATH"]
)
def test_no_driver_is_exit_2_naming_mfa_prompt(
    moto: Moto, fakes: FakeTools, extra: dict[str, str]
) -> None:
    fakes.install("ykman", f"code:{CODE}")  # present, but only used when asked for
    result = awsmfa(*JSON, env=session(fakes, **extra))
    assert result.returncode == 2
    assert result.stderr.startswith(
        "awsmfa: error: profile dev needs an MFA code and there is no terminal to ask on: "
    )
    assert "set mfa_prompt (zenity, kdialog, osascript, ykman) or mfa_process" in result.stderr
    assert result.stderr.count("\n") == 1
    assert fakes.calls("ykman") == []
    assert moto.calls() == []


def test_a_driver_that_is_not_installed_is_a_clear_error(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools
) -> None:
    set_in_landing(aws_files, "mfa_prompt = kdialog")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99"))
    assert (result.returncode, result.stderr) == (
        3,
        "awsmfa: error: mfa_prompt of profile dev = kdialog, but kdialog is not on PATH; "
        "install it or choose another\n",
    )


@pytest.mark.parametrize(("where", "status"), [("AWSMFA_PROMPT", 2), ("mfa_prompt", 3)])
def test_an_unknown_prompt_name_is_refused(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools, where: str, status: int
) -> None:
    if where == "mfa_prompt":
        set_in_landing(aws_files, "mfa_prompt = gpg")
        env = session(fakes)
    else:
        env = session(fakes, AWSMFA_PROMPT="gpg")
    result = awsmfa(*JSON, env=env)
    assert result.returncode == status
    assert result.stderr.endswith(
        "= 'gpg' is not a prompt; choose one of: terminal, zenity, kdialog, osascript, ykman\n"
    )


def test_a_dialog_answer_that_is_not_6_digits_is_asked_again_then_refused(
    moto: Moto, fakes: FakeTools
) -> None:
    fakes.install("zenity", "code:12ab")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99"))
    assert (result.returncode, result.stderr) == (
        2,
        "awsmfa: an MFA code is 6 digits; try again\n" * 2
        + "awsmfa: error: the MFA code from the zenity dialog must be 6 digits\n",
    )
    assert moto.calls() == []


def test_a_failing_dialog_is_a_config_error_naming_it(moto: Moto, fakes: FakeTools) -> None:
    fakes.install("zenity", "fail:255")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99"))
    assert (result.returncode, result.stderr) == (
        3,
        "awsmfa: error: zenity failed with exit status 255\n",
    )


def test_credential_process_gets_the_role_through_the_zenity_dialog(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools
) -> None:
    """An IDE or kubectl calling credential_process: no terminal, a desktop session. The
    dialog answers the agent's need_code once; the next process reuses the session."""
    fakes.install("zenity", f"code:{CODE}")
    process = f"credential_process = {AWSMFA} env dev --shell json"
    config = aws_files.config.read_text()
    aws_files.config.write_text(f"{config}\n[profile x]\n{process}\nregion = eu-central-1\n")
    whoami = ["aws", "--profile", "x", "sts", "get-caller-identity", "--query", "Arn"]
    env = session(fakes, DISPLAY=":99")
    first = run([*whoami, "--output", "text"], env=env)
    again = run([*whoami, "--output", "text"], env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(role_arn_of("dev"))
    assert again.stdout == first.stdout, again.stderr
    assert fakes.calls("zenity") == [ARGV["zenity"]]
    calls = moto.calls()
    assert calls.count("GetSessionToken") == 1
    assert calls[:2] == ["GetSessionToken", "AssumeRole"]


def test_ykman_waiting_with_no_terminal_is_a_desktop_notification(
    moto: Moto, aws_files: AwsFiles, fakes: FakeTools
) -> None:
    fakes.install("ykman", f"wait:1.5:{CODE}")
    fakes.install("notify-send", "code:")
    set_in_landing(aws_files, "mfa_prompt = ykman")
    result = awsmfa(*JSON, env=session(fakes, DISPLAY=":99"))
    assert_credentials(result)
    assert "waiting" not in result.stderr
    assert fakes.calls("notify-send") == [
        ["--app-name=awsmfa", "awsmfa", "waiting for ykman (touch your key?)"]
    ]
