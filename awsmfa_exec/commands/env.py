"""`awsmfa env PROFILE`: the credentials as shell code on stdout, for `eval`."""

from __future__ import annotations

import sys

from awsmfa_exec import environ as env_vars
from awsmfa_exec import shells
from awsmfa_exec.arrange import profile_of
from awsmfa_exec.errors import ExitCode, UsageError
from awsmfa_exec.obtain import obtain
from awsmfa_exec.request import Request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def run_env(request: Request | None, shell_name: str, environ: Mapping[str, str]) -> None:
    """Print export code for `request`, or unset code when `request` is None (--unset)."""
    shell = shells.get(shell_name)
    if request is None:
        code = shell.export(env_vars.unset_all())
    else:
        got = obtain(request, environ)
        code = shell.export(env_vars.exported(got.credentials, got.profile, got.region))
    sys.stdout.write(code)  # stdout: shell code only
    sys.stdout.flush()


class failing_closed:
    """Around a run of `env ARGS`: when it fails (an error, typer's usage error, Ctrl-C: the
    `SystemExit` of `ending.fail`), stdout gets code that removes every credential from the
    shell and makes its eval fail, so `eval "$(awsmfa env x)" && cmd` never runs `cmd`."""

    def __init__(self, args: Sequence[str]) -> None:
        self._args = args

    def __enter__(self) -> None:
        pass

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        status = exc.code if isinstance(exc, SystemExit) else ExitCode.FAILURE
        if status != 0 and status is not None:
            _print_failed(self._args, status if isinstance(status, int) else ExitCode.FAILURE)


def _print_failed(args: Sequence[str], status: int) -> None:
    from awsmfa_exec.shells.registry import SHELLS
    from awsmfa_exec.spellings import SHELL

    named = [word.partition("=")[2] for word in args if word.startswith("--shell=")]
    named += [args[index + 1] for index, word in enumerate(args[:-1]) if word in SHELL]
    # the error said what went wrong: no note on which shell is guessed
    shell = SHELLS.get(named[0] if named else shells.detect(note=False), SHELLS["sh"]).renderer
    last = shell.failed(status)
    try:
        sys.stdout.write(shell.export(env_vars.withdrawn()) + last if last else "")
        sys.stdout.flush()
    except (OSError, ValueError):  # a closed or broken stdout: nothing to do
        pass


def profile_to_print(profile: str | None, unset: bool, environ: Mapping[str, str]) -> str:
    """The profile to print (`arrange.profile_of`); "" for --unset."""
    if unset and profile:
        raise UsageError("env --unset takes no profile")
    return "" if unset else profile_of(profile, environ, "env PROFILE, or awsmfa env --unset")
