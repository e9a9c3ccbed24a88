"""Prompt drivers: which one is chosen, the argv each builds, asking again, and that the
client alone decides (the agent's need_code names nothing it runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsmfa_exec.config import Files, load_profiles, resolve
from awsmfa_exec.errors import ConfigError, MfaCodeRejected, UsageError
from awsmfa_exec.mfa import MfaCode, Prompting
from awsmfa_exec.prompts import Asking, Need, choose, terminal
from awsmfa_exec.prompts.dialog import Dialog
from awsmfa_exec.prompts.process import program_name
from awsmfa_exec.prompts.ykman import account_of
from tests.support.agent import code_for_planted_need
from tests.support.fake_prompts import FakeTools

SERIAL = "arn:aws:iam::123456789012:mfa/alice"


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "present", lambda: False)


def chosen(asking: Asking, environ: dict[str, str]) -> str:
    return choose.choose(asking, "dev", environ).name


def test_the_terminal_comes_first_when_there_is_one(
    fakes: FakeTools, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes.install("zenity", "code:123456")
    monkeypatch.setattr(terminal, "present", lambda: True)
    assert chosen(Asking(), {"PATH": str(fakes.where), "DISPLAY": ":0"}) == "terminal"


@pytest.mark.usefixtures("no_terminal")
def test_the_order_of_choice(fakes: FakeTools) -> None:
    for tool in ("zenity", "kdialog", "osascript", "ykman"):
        fakes.install(tool, "code:123456")
    path = {"PATH": str(fakes.where)}
    desktop = {**path, "DISPLAY": ":0"}
    both = Asking(process="echo 123456", prompt="ykman")
    assert chosen(both, {**path, "AWSMFA_PROMPT": "kdialog"}) == "kdialog"
    assert chosen(both, path) == "mfa_process"
    assert chosen(Asking(prompt="ykman"), desktop) == "ykman"
    assert chosen(Asking(prompt="terminal"), desktop) == "terminal"
    assert chosen(Asking(), desktop) == "zenity"
    assert chosen(Asking(), {**desktop, "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}) == "zenity"
    assert chosen(Asking(), {**desktop, "XDG_CURRENT_DESKTOP": "KDE"}) == "kdialog"
    with pytest.raises(UsageError, match=r"no terminal to ask on: .* set mfa_prompt"):
        chosen(Asking(), path)


def test_the_desktop_driver_per_platform(fakes: FakeTools) -> None:
    fakes.install("osascript", "code:123456")
    fakes.install("zenity", "code:123456")
    path = {"PATH": str(fakes.where)}
    mac = choose.desktop(path, platform="darwin")
    assert mac is not None
    assert mac.name == "osascript"
    assert choose.desktop(path, platform="linux") is None  # no DISPLAY, no WAYLAND_DISPLAY
    wayland = choose.desktop({**path, "WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert wayland is not None
    assert wayland.name == "zenity"
    assert choose.desktop({"PATH": "/nonexistent", "DISPLAY": ":0"}, platform="linux") is None


@pytest.mark.parametrize(
    ("asking", "environ", "error", "words"),
    [
        (Asking(), {"AWSMFA_PROMPT": "pinentry"}, UsageError, "AWSMFA_PROMPT = 'pinentry' is"),
        (Asking(prompt="Zenity"), {}, ConfigError, "mfa_prompt of profile dev = 'Zenity' is"),
        (Asking(prompt="ykman"), {}, ConfigError, "ykman is not on PATH"),
        (Asking(), {"AWSMFA_PROMPT": "osascript"}, UsageError, "osascript is not on PATH"),
    ],
)
def test_a_prompt_that_cannot_be_had_is_refused(
    asking: Asking, environ: dict[str, str], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        chosen(asking, {"PATH": "/nonexistent", **environ})


def test_zenity_text_survives_its_escapes_and_mnemonics() -> None:
    need = Need("arn:aws:iam::1:mfa/a_b", "my_dev\\n", why="STS rejected it")
    text = Dialog("zenity", "/usr/bin/zenity").argv(need)[-1]
    assert text == (
        "--text=STS rejected that code; wait for the next one.\n"
        "MFA code for arn:aws:iam::1:mfa/a__b (profile my__dev\\\\n):"
    )


def test_the_ykman_account_is_the_serials_user_part() -> None:
    assert account_of(SERIAL) == "alice"
    assert account_of("arn:aws:iam::1:mfa/path/to/key") == "key"
    assert account_of("GAHT12345678") == "GAHT12345678"
    assert account_of(None) is None


@pytest.mark.parametrize(
    ("command", "program"),
    [
        ("ykman oath accounts code -s aws", "ykman"),
        ("/opt/bin/ykman oath accounts code", "ykman"),
        ("'my tool' --code", "my tool"),
        ("unbalanced 'quote", "unbalanced"),
        ("", "mfa_process"),
    ],
)
def test_the_wait_line_names_the_program(command: str, program: str) -> None:
    assert program_name(command) == program


def test_prompt_settings_come_from_the_nearest_profile(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n"
        "mfa_ykman_account = dev-key\n"
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/me\nmfa_prompt = ykman\n"
        "mfa_ykman_account = base-key\nmfa_process = echo 123456\n"
    )
    creds = tmp_path / "credentials"
    creds.write_text("[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n")
    files = Files(config, creds)
    chain = resolve("dev", load_profiles(files), files, {})
    assert Asking.of(chain) == Asking("echo 123456", "ykman", "dev-key")
    assert Asking.of(resolve("base", load_profiles(files), files, {})).ykman_account == "base-key"


class Asked:
    def __init__(self, interactive: bool) -> None:
        self.name = "fake"
        self.origin = "the fake"
        self.interactive = interactive
        self.needs: list[Need] = []

    def ask(self, need: Need) -> str:
        self.needs.append(need)
        return "123456"


@pytest.mark.parametrize(("interactive", "asked"), [(True, 3), (False, 1)])
def test_a_rejected_code_is_asked_again_only_of_a_person(
    monkeypatch: pytest.MonkeyPatch, interactive: bool, asked: int
) -> None:
    driver = Asked(interactive)
    monkeypatch.setattr(choose, "choose", lambda *_: driver)

    def sts(code: str) -> str:
        raise MfaCodeRejected("no")

    with pytest.raises(MfaCodeRejected):
        MfaCode(SERIAL, "dev", Prompting({})).call(sts)
    assert [need.rejected for need in driver.needs] == [False, True, True][:asked]


def test_the_agent_names_no_prompt_the_client_uses_its_own(
    tmp_path: Path, fakes: FakeTools
) -> None:
    """A need_code naming a prompt and a command (as a fake agent might) changes nothing:
    the client asks the ykman its own files name."""
    fakes.install("ykman", "code:654321")
    fakes.install("zenity", "code:111111")
    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n"
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/me\nmfa_prompt = ykman\n"
    )
    creds = tmp_path / "credentials"
    creds.write_text("[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n")
    environ = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(creds),
        "PATH": str(fakes.where),
        "DISPLAY": ":0",
    }
    got = code_for_planted_need({"prompt": "zenity", "process": "echo 111111"}, environ)
    assert got == "654321"
    assert fakes.calls("ykman") == [["oath", "accounts", "code", "--single", "--", "me"]]
    assert fakes.calls("zenity") == []
