"""Pure logic of `list`, `status` and `login`: classification, ARNs, sign-in hosts."""

from __future__ import annotations

from typing import Any

import pytest

from awsmfa_exec.commands.list_ import AgentMinutes, classify, table
from awsmfa_exec.commands.status import parse_arn
from awsmfa_exec.errors import UsageError
from awsmfa_exec.signin import console_home, federation_endpoint, login_url, partition

PROFILES: dict[str, dict[str, Any]] = {
    "keys": {"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "never-shown"},
    "role": {"role_arn": "arn:aws:iam::1:role/a", "source_profile": "keys", "mfa_serial": "m1"},
    "chain": {"role_arn": "arn:aws:iam::2:role/b", "source_profile": "role"},
    "env": {"role_arn": "arn:aws:iam::3:role/c", "credential_source": "Environment"},
    "self": {"role_arn": "arn:aws:iam::4:role/d", "source_profile": "self"},
    "loop-a": {"role_arn": "arn:aws:iam::5:role/e", "source_profile": "loop-b"},
    "loop-b": {"role_arn": "arn:aws:iam::5:role/f", "source_profile": "loop-a"},
    "orphan": {"role_arn": "arn:aws:iam::6:role/g", "source_profile": "missing"},
    "sso": {"sso_session": "corp", "region": "eu-west-1"},
}


def test_each_profile_gets_its_kind() -> None:
    kinds = {e.name: e.kind for e in classify(PROFILES, {})}
    assert kinds == {
        "chain": "chain",
        "env": "role",
        "keys": "keys",
        "loop-a": "chain",
        "loop-b": "chain",
        "orphan": "role",
        "role": "role",
        "self": "role",
        "sso": "root",
    }


def test_mfa_serial_is_inherited_down_the_chain_and_cycles_end() -> None:
    serials = {e.name: e.mfa_serial for e in classify(PROFILES, {})}
    assert serials["chain"] == "m1"
    assert serials["role"] == "m1"
    assert serials["keys"] is None
    assert serials["loop-a"] is None


def test_table_never_shows_a_secret_and_adds_agent_columns_only_when_held() -> None:
    plain = table(classify(PROFILES, {}))
    assert "never-shown" not in plain
    assert "AKIAEXAMPLE" not in plain
    assert "LEFT" not in plain
    held = table(
        classify(PROFILES, {"role": AgentMinutes(session_minutes_left=700, role_minutes_left=42)})
    )
    header, *rows = held.splitlines()
    assert header.split()[-4:] == ["MFA", "LEFT", "ROLE", "LEFT"]
    assert next(r for r in rows if r.startswith("role ")).split()[-2:] == ["700m", "42m"]
    assert next(r for r in rows if r.startswith("env ")).split()[1:3] == ["role", "(environment)"]


@pytest.mark.parametrize(
    ("arn", "account", "role"),
    [
        ("arn:aws:iam::123456789012:role/dev", "123456789012", "dev"),
        ("arn:aws:iam::123456789012:role/team/path/dev", "123456789012", "dev"),
        ("arn:aws:sts::123456789012:assumed-role/dev/awsmfa-alice", "123456789012", "dev"),
        ("arn:aws-cn:iam::123456789012:user/alice", "123456789012", None),
        ("not an arn", None, None),
    ],
)
def test_parse_arn(arn: str, account: str | None, role: str | None) -> None:
    parsed = parse_arn(arn)
    assert (parsed.account, parsed.role) == (account, role)


@pytest.mark.parametrize(
    ("region", "name", "federation", "console"),
    [
        (
            "eu-central-1",
            "aws",
            "https://signin.aws.amazon.com/federation",
            "console.aws.amazon.com",
        ),
        (
            "us-gov-west-1",
            "aws-us-gov",
            "https://signin.amazonaws-us-gov.com/federation",
            "console.amazonaws-us-gov.com",
        ),
        ("cn-north-1", "aws-cn", "https://signin.amazonaws.cn/federation", "console.amazonaws.cn"),
    ],
)
def test_partition_hosts(region: str, name: str, federation: str, console: str) -> None:
    assert partition(region) == name
    assert federation_endpoint(region, {}) == federation
    assert console_home(region) == f"https://{console}/console/home?region={region}"


@pytest.mark.parametrize(
    "override",
    ["http://signin.example.com/federation", "file:///etc/passwd", "ftp://127.0.0.1/x", "nonsense"],
)
def test_signin_override_must_be_https_or_loopback(override: str) -> None:
    with pytest.raises(UsageError, match="AWSMFA_SIGNIN_URL"):
        federation_endpoint("us-east-1", {"AWSMFA_SIGNIN_URL": override})


def test_signin_override_on_loopback_is_taken() -> None:
    url = "http://127.0.0.1:8080/federation"
    assert federation_endpoint("eu-west-1", {"AWSMFA_SIGNIN_URL": url}) == url


def test_login_url_quotes_every_part() -> None:
    url = login_url("https://signin.aws.amazon.com/federation", "a+b/c=", "https://x/?a=1&b=2")
    assert url == (
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=awsmfa"
        "&Destination=https%3A%2F%2Fx%2F%3Fa%3D1%26b%3D2&SigninToken=a%2Bb%2Fc%3D"
    )


def test_access_denied_without_mfa_serial_names_the_line_to_add() -> None:
    from botocore.exceptions import ClientError

    from awsmfa_exec.sts import _client_error

    denied = ClientError(
        {
            "Error": {"Code": "AccessDenied", "Message": "not authorized to perform AssumeRole"},
            "ResponseMetadata": {"HTTPStatusCode": 403},  # type: ignore[typeddict-item]
        },
        "AssumeRole",
    )
    message = str(_client_error(denied, "AssumeRole", "dev", None))
    assert "'mfa_serial = arn:aws:iam::<account>:mfa/<device>' to [profile dev]" in message
    default = str(_client_error(denied, "AssumeRole", "default", None))
    assert "to [default] in the config file" in default


def test_status_counts_credentials_sts_refuses_as_not_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from awsmfa_exec import sts
    from awsmfa_exec.commands import status
    from awsmfa_exec.errors import AuthError

    def refuse(*args: object, **kwargs: object) -> None:
        raise AuthError("STS refused the keys of profile dev (ExpiredToken)")

    monkeypatch.setattr(sts, "caller_identity", refuse)
    environ = {
        "AWSMFA_PROFILE": "dev",
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE01",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_CREDENTIAL_EXPIRATION": "2999-01-01T00:00:00Z",
    }
    found = status.inspect(environ, verify=True)
    assert (found.valid, found.profile) == (False, "dev")
    assert found.problem == "STS refused the keys of profile dev (ExpiredToken)"
    assert status.run_status(environ, as_json=True, verify=True) == 1
