"""Which shell `env` speaks when --shell is not given: the nearest shell ancestor."""

from __future__ import annotations

import os

import pytest

from awsmfa_exec.shells import detection


@pytest.mark.parametrize(
    ("argv0", "name"),
    [("-bash", "bash"), ("/usr/bin/zsh", "zsh"), ("-fish", "fish"), ("pwsh.exe", "pwsh")],
)
def test_program_name_from_argv0(argv0: str, name: str) -> None:
    assert detection.program(argv0) == name


@pytest.mark.parametrize(
    ("chain", "shell"),
    [
        (["bash"], "bash"),
        (["zsh", "login"], "zsh"),
        (["fish"], "fish"),
        (["pwsh"], "powershell"),
        (["dash"], "sh"),
        (["ksh"], "sh"),
        (["sudo", "sudo", "zsh"], "zsh"),
        (["env", "nice", "fish"], "fish"),
        # a make recipe's `eval "$$(awsmfa env dev)"` is evaluated by make's sh
        (["sh", "make", "zsh"], "sh"),
        # `sh -c 'awsmfa env dev'` run as the last command: sh execs awsmfa, make remains
        (["make", "bash"], "bash"),
    ],
)
def test_nearest_shell_past_wrappers(chain: list[str], shell: str) -> None:
    assert detection.choose(chain)[0] == shell


@pytest.mark.parametrize("chain", [["python3", "bash"], ["tcsh"], ["sudo"], []])
def test_unsure_means_no_answer(chain: list[str]) -> None:
    shell, why = detection.choose(chain)
    assert shell is None
    assert why


def test_unsure_falls_back_to_sh_with_one_note(capsys: pytest.CaptureFixture[str]) -> None:
    # our own parent is the Python test runner, not a shell
    assert detection.detect(os.getpid()) == "sh"
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("awsmfa: note: awsmfa was started by ")
    assert err.endswith("printing POSIX sh code (choose with --shell)\n")
