"""Tab completion on a real terminal: in bash, a profile name full of shell syntax is inserted
as a quoted word, so TAB then Enter hands awsmfa the name and runs nothing; zsh lists the
commands' descriptions as they are written, apostrophes included.

An interactive bash (readline, no rc files) runs in a fresh pseudo-terminal that is its
controlling terminal; the test types on it as a keyboard would. After loading the completion
script, `awsmfa` is redefined as a function that prints its arguments, so Enter shows what
the completion inserted (completion itself still calls the installed `awsmfa`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.aws_files import AwsFiles

PROMPT = b"PROMPT> "


class Keyboard:
    def __init__(self, master: int) -> None:
        self.master = master
        self.seen = b""

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def read_until(self, text: bytes, timeout: float = 30) -> bytes:
        """Everything shown since the last call, up to and including `text`."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r} on the terminal, only {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:  # the shell exited and the terminal closed
                    break
        shown, _, self.seen = self.seen.partition(text)
        return shown + text


@contextlib.contextmanager
def on_a_terminal(shell_argv: list[str], tmp_path: Path) -> Iterator[Keyboard]:
    """An interactive `shell_argv` in a fresh pseudo-terminal that is its controlling one."""
    master, slave = os.openpty()
    # Wide enough that readline never scrolls the line it shows.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 1000, 0, 0))
    env = {**os.environ, "PS1": PROMPT.decode(), "TERM": "dumb", "INPUTRC": "/dev/null"}
    env["HISTFILE"] = str(tmp_path / "history")
    shell = subprocess.Popen(
        ["setsid", "--ctty", *shell_argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
    )
    os.close(slave)
    try:
        keyboard = Keyboard(master)
        keyboard.read_until(PROMPT)
        yield keyboard
        keyboard.type("exit\n")
        shell.wait(timeout=30)
    finally:
        if shell.poll() is None:
            shell.kill()
            shell.wait()
        os.close(master)


@pytest.fixture
def bash_on_a_terminal(tmp_path: Path) -> Iterator[Keyboard]:
    with on_a_terminal(["bash", "--norc", "--noprofile", "-i"], tmp_path) as keyboard:
        yield keyboard


def test_tab_then_enter_inserts_the_name_and_runs_nothing(
    bash_on_a_terminal: Keyboard, aws_files: AwsFiles, tmp_path: Path
) -> None:
    trap = tmp_path / "trap"
    trap.mkdir()
    # botocore splits `[profile …]` headers like shlex: a name holds no bare space.
    name = f"zz$(touch${{IFS}}{trap}/x)`touch${{IFS}}{trap}/y`;touch${{IFS}}{trap}/z"
    aws_files.config.write_text(aws_files.config.read_text() + f"\n[profile {name}]\n")
    keyboard = bash_on_a_terminal
    keyboard.type('eval "$(awsmfa completion bash)"; awsmfa() { printf \'<%s>\\n\' "$@"; }\n')
    keyboard.read_until(PROMPT)
    keyboard.type("awsmfa exec zz\t")
    completed = keyboard.read_until(b"/z ")  # the whole name, and the space after one match
    keyboard.type("\n")
    shown = keyboard.read_until(PROMPT)
    assert sorted(path.name for path in trap.iterdir()) == []
    assert b"zz\\$\\(touch\\$\\{IFS\\}" in completed, completed
    assert f"<exec>\r\n<{name}>\r\n".encode() in shown, shown


def test_zsh_lists_each_description_as_written(tmp_path: Path) -> None:
    # zsh -f: no rc files, and RC_QUOTES unset (its default), so '' inside '...' is no '
    with on_a_terminal(["zsh", "-f", "-i"], tmp_path) as keyboard:
        keyboard.type('autoload -U compinit; compinit -D; eval "$(awsmfa completion zsh)"\n')
        keyboard.read_until(PROMPT)
        keyboard.type("awsmfa \t")
        listed = keyboard.read_until(b"holds:...")
        keyboard.type("\x15")  # Ctrl-U: the line is left empty for `exit`
    assert b"exec        -- Run COMMAND with PROFILE's credentials in..." in listed, listed
    assert b"env         -- Print PROFILE's credentials as shell code..." in listed, listed
