"""One error root, one exit code per kind of failure (the table in docs/commands.md).

`ending.conclude` catches an `AwsmfaError` once and prints `awsmfa: error: <message>`;
messages say what is wrong and what to do, and never hold a secret.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    CONFIG = 3
    AUTH = 4
    UNAVAILABLE = 5
    NOT_EXECUTABLE = 126
    NOT_FOUND = 127
    INTERRUPTED = 130


class AwsmfaError(Exception):
    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(AwsmfaError):
    """Bad option or argument, or input that is missing and cannot be asked for."""

    exit_code = ExitCode.USAGE


class ConfigError(AwsmfaError):
    """Unknown profile, cycle, missing keys, malformed or unreadable file."""

    exit_code = ExitCode.CONFIG


class AuthError(AwsmfaError):
    """STS refused: bad MFA code, expired or invalid keys, access denied."""

    exit_code = ExitCode.AUTH


class MfaCodeRejected(AuthError):
    """STS said the MFA code is wrong; an interactive prompt may ask again."""


class RoleLimitExceeded(AuthError):
    """STS refused a DurationSeconds above the role's MaxSessionDuration; a shorter one may do."""


class StsUnavailable(AwsmfaError):
    """STS unreachable, timed out, throttled after retries, or answered garbage."""

    exit_code = ExitCode.UNAVAILABLE


class StsThrottled(StsUnavailable):
    """STS kept answering "slow down" through botocore's own retries; worth another try later."""


class Cancelled(AwsmfaError):
    """The user cancelled a dialog that asked for the MFA code: like Ctrl-C."""

    exit_code = ExitCode.INTERRUPTED


class CommandNotFound(AwsmfaError):
    exit_code = ExitCode.NOT_FOUND


class CommandNotExecutable(AwsmfaError):
    exit_code = ExitCode.NOT_EXECUTABLE


def launch_failure(name: str, exc: OSError | None) -> AwsmfaError:
    """Why command `name` could not be started (`exc` None: not found on PATH), 127 or 126."""
    if exc is None or isinstance(exc, FileNotFoundError):
        return CommandNotFound(f"command not found: {name}")
    if isinstance(exc, PermissionError | IsADirectoryError):
        return CommandNotExecutable(f"command is not executable: {name}")
    return CommandNotExecutable(f"cannot run {name}: {exc.strerror}")
