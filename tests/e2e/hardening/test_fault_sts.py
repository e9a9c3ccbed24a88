"""Every way STS can fail, from a fault STS on loopback: one line, the SPEC §6 exit code.

The server counts the requests it receives, so retries are proven server-side: refusals
(4) are not retried; throttling, 5xx and timeouts are tried `sts.MAX_ATTEMPTS` times with
botocore's backoff before exit 5. Durations are measured and listed in the summary; the
only time limit is the generous subprocess timeout.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

import pytest

from awsmfa_exec.sts import MAX_ATTEMPTS
from tests.support.aws_files import CODE, LANDING_KEY_ID, LANDING_SECRET, SEED_CONFIG, AwsFiles
from tests.support.commands import awsmfa
from tests.support.fault_sts import ISSUED, FaultSts
from tests.support.proof import INHERITED_DEV, assert_one_error_line, record

MFA = r"arn:aws:iam::123456789012:mfa/alice"
BAD_KEYS = r"STS refused the keys of profile landing \({}\); they are invalid, expired or revoked: update them in the credentials file"  # noqa: E501
UNAVAILABLE = r"STS is unavailable for GetSessionToken \({}\) after 3 attempts; try again later"
TRANSPORT = (
    r"STS GetSessionToken for landing failed: {}; check the network, or AWS_ENDPOINT_URL_STS"
)
HANG_TIMEOUT = "0.3"  # seconds an attempt waits for the STS that never answers
TRIED = r"http://127\.0\.0\.1:\d+/[a-z-]*"  # the URL an unreachable STS is named by
REJECTED = rf"STS rejected the MFA code for {MFA} \({{}}\); use the next code from your device"
NEEDS_SERIAL = (
    r"STS denied AssumeRole for dev: User: \S+ is not authorized to perform: sts:AssumeRole "
    r"on resource: \S+\. If the role requires MFA, add the line "
    r"'mfa_serial = arn:aws:iam::<account>:mfa/<device>' to \[profile dev\] in the config file "
    r"\(`aws iam list-mfa-devices` shows the device ARN\)"
)
DEV = ("exec", "dev", "-t", CODE, "--", "true")
NO_SESSION = ("exec", "dev", "--no-session", "-t", CODE, "--", "true")
NO_MFA_CONFIG = SEED_CONFIG.replace(f"mfa_serial = {MFA}\n", "")


@dataclass(frozen=True)
class Fault:
    scenario: str  # a FaultSts scenario, or "closed-port"
    args: tuple[str, ...]
    exit_code: int
    message: str  # regular expression for the text after `awsmfa: error: `
    attempts: int  # requests the server must have received
    config: str = SEED_CONFIG


FAULTS = {
    "MFA code rejected": Fault(
        "mfa-rejected",
        DEV,
        4,
        REJECTED.format("GetSessionToken"),
        1,
    ),
    "MFA code rejected, --no-session": Fault(
        "mfa-rejected",
        NO_SESSION,
        4,
        REJECTED.format("AssumeRole"),
        1,
    ),
    "ExpiredToken on landing keys": Fault(
        "expired-token", DEV, 4, BAD_KEYS.format("ExpiredToken"), 1
    ),
    "InvalidClientTokenId on landing keys": Fault(
        "invalid-client-token-id", DEV, 4, BAD_KEYS.format("InvalidClientTokenId"), 1
    ),
    "InvalidClientTokenId, --no-session": Fault(
        "invalid-client-token-id", NO_SESSION, 4, BAD_KEYS.format("InvalidClientTokenId"), 1
    ),
    "role needs MFA, no mfa_serial": Fault(
        "role-needs-mfa",
        DEV,
        4,
        NEEDS_SERIAL,
        1,
        NO_MFA_CONFIG,
    ),
    "Throttling": Fault("throttling", DEV, 5, UNAVAILABLE.format("Throttling"), MAX_ATTEMPTS),
    "HTTP 500": Fault("http-500", DEV, 5, UNAVAILABLE.format("HTTP 500"), MAX_ATTEMPTS),
    "malformed XML": Fault(
        "malformed", DEV, 5, TRANSPORT.format("the answer was not valid STS XML"), 1
    ),
    "truncated answer": Fault(
        "truncated", DEV, 5, TRANSPORT.format("the answer was not valid STS XML"), 1
    ),
    "answer without credentials": Fault(
        "no-credentials", DEV, 5, r"STS answered without credentials; try again later", 1
    ),
    "endpoint never answers": Fault(
        "hang", DEV, 5, TRANSPORT.format(rf"timed out \({TRIED}\)"), MAX_ATTEMPTS
    ),
    "closed port": Fault(
        "closed-port", DEV, 5, TRANSPORT.format(rf"could not connect \({TRIED}\)"), 0
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_sts_fault_is_one_line_and_an_exit_code(
    name: str, fault_sts: FaultSts, closed_port: int, aws_files: AwsFiles
) -> None:
    fault = FAULTS[name]
    aws_files.config.write_text(fault.config)
    scenario = fault.scenario
    url = (
        f"http://127.0.0.1:{closed_port}" if scenario == "closed-port" else fault_sts.url(scenario)
    )
    started = time.monotonic()
    env = {**os.environ, "AWS_ENDPOINT_URL": url}
    if scenario == "hang":  # each of the attempts times out after a short wait, not 5 s
        env["AWSMFA_STS_TIMEOUT"] = HANG_TIMEOUT
    result = awsmfa(*fault.args, env=env, timeout=60)
    took = time.monotonic() - started
    attempts = len(fault_sts.seen(scenario))
    record("sts fault", name, result, f"{attempts} requests, {took:.1f}s")
    message = assert_one_error_line(result)
    assert result.returncode == fault.exit_code, message
    assert re.fullmatch(fault.message, message), message
    assert attempts == fault.attempts
    assert LANDING_SECRET not in result.stderr


def test_a_typed_code_is_asked_for_once_per_call_and_not_retried(fault_sts: FaultSts) -> None:
    """A rejected --token-code is final: STS sees it once (codes are single-use)."""
    env = {**os.environ, "AWS_ENDPOINT_URL": fault_sts.url("mfa-rejected")}
    result = awsmfa(*DEV, env=env)
    assert result.returncode == 4
    assert [c.action for c in fault_sts.seen()] == ["GetSessionToken"]


def test_nested_exec_of_another_profile_signs_with_the_files_keys(fault_sts: FaultSts) -> None:
    inherited = {**INHERITED_DEV, "AWS_ENDPOINT_URL": fault_sts.url("ok")}
    result = awsmfa(
        "exec",
        "prod",
        "-t",
        CODE,
        "--",
        "sh",
        "-c",
        'echo "$AWS_ACCESS_KEY_ID"',
        env={**os.environ, **inherited},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{ISSUED['AssumeRole'][0]}\n"
    signed = [(c.action, c.key_id) for c in fault_sts.seen()]
    assert signed == [
        ("GetSessionToken", LANDING_KEY_ID),
        ("AssumeRole", ISSUED["GetSessionToken"][0]),
    ]
    assert INHERITED_DEV["AWS_ACCESS_KEY_ID"] not in {c.key_id for c in fault_sts.seen()}
