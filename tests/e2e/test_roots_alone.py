"""Profiles whose root is all they are (IAM Identity Center, web identity, an instance's
credentials), served as every AWS SDK serves them: the root's credentials are the final
ones, no STS call of awsmfa's, and the session agent holds them (a second run fetches
nothing). And the AssumeRole settings aws-vault users carry (source_identity, session_tags,
transitive_session_tags, policy_arns), as the strict STS double sees them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.e2e.test_chain_roots import IDENTITY, SSO_ROOT, assumed, sso_token, web_identity_root
from tests.support.aws_files import (
    ACCOUNT,
    LANDING_KEY_ID,
    LANDING_SECRET,
    SEED_CONFIG,
    SEED_CREDENTIALS,
    SERIAL,
    AwsFiles,
)
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.sso_portal import sso_portal
from tests.support.sts_server import Moto

SSO_TWO = SSO_ROOT.replace("[profile root]", "[profile acct-1]") + (
    "\n[profile acct-2]\nsso_session = corp\nsso_account_id = 444455556666\n"
    "sso_role_name = Admin\nregion = eu-west-1\n"
)


def calls(moto: Moto) -> list[str]:
    return [call for call in moto.calls() if call != "GetCallerIdentity"]


def test_an_sso_profile_alone_is_served_and_held_by_the_agent(
    moto: Moto, aws_files: AwsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = f"[profile root]\nmfa_serial = {SERIAL}\n"
    aws_files.write(SSO_ROOT.replace("[profile root]\n", own), "")
    sso_token(aws_files, "2099-01-01T00:00:00Z")
    with sso_portal(moto.url) as portal:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
        first = awsmfa("exec", "root", "--", *IDENTITY)
        assert first.returncode == 0, first.stderr
        [note] = first.stderr.splitlines()  # the mfa_serial: one line, not an error
        assert "mfa_serial" in note
        assert "used as they are" in note
        second = awsmfa("env", "root", "--shell", "json")
        assert second.returncode == 0, second.stderr
    assert portal.asked == [("111122223333", "Admin")]  # one fetch of the root
    assert calls(moto) == ["GetSessionToken"]  # the portal's own: none of awsmfa's
    held = json.loads(second.stdout)["AccessKeyId"]
    assert json.loads(first.stdout)["UserId"]
    assert held in moto.issued()


def test_a_web_identity_profile_alone_is_served_and_held_by_the_agent(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    aws_files.write(web_identity_root(tmp_path, name="ci"), "")
    for _ in range(2):
        result = awsmfa("exec", "ci", "--", *IDENTITY)
        assert result.returncode == 0, result.stderr
        assert assumed(result).startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/")
    assert calls(moto) == ["AssumeRoleWithWebIdentity"]
    assert moto.refusals() == []


def test_each_runs_over_sso_profiles(
    moto: Moto, aws_files: AwsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_files.write(SSO_TWO, "")
    sso_token(aws_files, "2099-01-01T00:00:00Z")
    child = "import os; print(os.environ['AWSMFA_PROFILE'], os.environ['AWS_ACCESS_KEY_ID'][:4])"
    with sso_portal(moto.url) as portal:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
        result = awsmfa("each", "acct-*", "--no-prefix", "--", sys.executable, "-c", child)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()[::2]) == ["acct-1", "acct-2"]
    assert sorted(portal.asked) == [("111122223333", "Admin"), ("444455556666", "Admin")]


def test_the_aws_cli_reads_a_web_identity_profile_through_awsmfa(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    config = web_identity_root(tmp_path, name="ci")
    config += f"\n[profile via]\ncredential_process = {AWSMFA} env ci --shell json\n"
    config += "region = eu-west-1\n"
    aws_files.write(config, "")
    result = run([*IDENTITY, "--profile", "via"])
    assert result.returncode == 0, result.stderr
    assert assumed(result).startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/")
    assert calls(moto) == ["AssumeRoleWithWebIdentity"]


INSTANCE = f"[profile box]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/box\n"
INSTANCE += "credential_source = Ec2InstanceMetadata\n"


@pytest.mark.parametrize("agent", ["on", "off"])
def test_off_an_instance_the_metadata_source_is_one_line(
    moto: Moto, aws_files: AwsFiles, closed_port: int, agent: str
) -> None:
    """Never 169.254.169.254: botocore is pointed at a loopback port nothing listens on."""
    aws_files.write(INSTANCE, "")
    env = {k: v for k, v in os.environ.items() if k != "AWS_EC2_METADATA_DISABLED"}
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = f"http://127.0.0.1:{closed_port}"
    env["AWSMFA_AGENT"] = agent
    command = [AWSMFA, "exec", "box", "--", "true"]
    unreachable = run(["env", "-u", "AWS_EC2_METADATA_DISABLED", *command], env=env)
    assert unreachable.returncode == 5, unreachable.stderr
    [line] = unreachable.stderr.splitlines()
    assert "profile box: no credentials from credential_source = Ec2InstanceMetadata" in line
    disabled = awsmfa("exec", "box", "--", "true", env={**os.environ, "AWSMFA_AGENT": agent})
    assert disabled.returncode == 3, disabled.stderr
    assert "AWS_EC2_METADATA_DISABLED=true" in disabled.stderr
    assert calls(moto) == []


def with_prod(settings: str) -> str:
    """The seed config with `settings` on [profile prod]."""
    return SEED_CONFIG.replace("[profile prod]\n", f"[profile prod]\n{settings}")


TAGGED = with_prod(
    "source_identity = alice@example.com\n"
    "session_tags = team = platform , cost=42\n"
    "transitive_session_tags = team\n"
    f"policy_arns = arn:aws:iam::{ACCOUNT}:policy/read-only, arn:aws:iam::aws:policy/ViewOnly\n"
)


def session_of(asked: dict[str, str]) -> dict[str, object]:
    tags = {
        asked[key]: asked[key[: -len("Key")] + "Value"]
        for key in asked
        if key.startswith("Tags.member.") and key.endswith(".Key")
    }
    transitive = [v for k, v in sorted(asked.items()) if k.startswith("TransitiveTagKeys.")]
    policies = [v for k, v in sorted(asked.items()) if k.startswith("PolicyArns.")]
    return {
        "SourceIdentity": asked.get("SourceIdentity"),
        "Tags": tags,
        "TransitiveTagKeys": transitive,
        "PolicyArns": policies,
    }


def test_assume_role_carries_the_session_settings(moto: Moto, aws_files: AwsFiles) -> None:
    aws_files.write(TAGGED, SEED_CREDENTIALS)
    result = awsmfa("exec", "prod", "-t", "123456", "--debug", "--", "true")
    assert result.returncode == 0, result.stderr
    [asked] = moto.assumed()
    assert session_of(asked) == {
        "SourceIdentity": "alice@example.com",
        "Tags": {"team": "platform", "cost": "42"},
        "TransitiveTagKeys": ["team"],
        "PolicyArns": [
            f"arn:aws:iam::{ACCOUNT}:policy/read-only",
            "arn:aws:iam::aws:policy/ViewOnly",
        ],
    }
    assert "source identity alice@example.com; tags team=platform,cost=42" in result.stderr
    listed = {row["name"]: row for row in json.loads(awsmfa("list", "--json").stdout)}
    assert listed["prod"]["session_tags"] == {"team": "platform", "cost": "42"}
    assert listed["prod"]["transitive_session_tags"] == ["team"]
    assert listed["dev"]["session_tags"] is None
    # aws-vault's variables override the profile asked for, and key the agent's role apart
    env = {**os.environ, "AWS_SESSION_TAGS": "team=data", "AWS_TRANSITIVE_TAGS": ""}
    again = awsmfa("exec", "prod", "-t", "123456", "--", "true", env=env)
    assert again.returncode == 0, again.stderr
    assert session_of(moto.assumed()[-1])["Tags"] == {"team": "data"}


MALFORMED = {
    "no-equals": ("session_tags = team", "the tag 'team' has no key=value"),
    "too-many": (
        "session_tags = " + ",".join(f"k{n}=v" for n in range(51)),
        "51 tags; STS allows at most 50",
    ),
    "long-key": ("session_tags = " + "k" * 129 + "=v", "STS allows keys of at most 128"),
    "source-identity": ("source_identity = a b", "as a source identity"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_session_settings_are_one_line(
    moto: Moto, aws_files: AwsFiles, case: str
) -> None:
    setting, message = MALFORMED[case]
    aws_files.write(with_prod(setting + "\n"), SEED_CREDENTIALS)
    result = awsmfa("exec", "prod", "-t", "123456", "--", "true")
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("awsmfa: error: profile prod: ")
    assert message in line
    assert moto.calls() == []


def test_the_strict_double_refuses_what_sts_refuses(moto: Moto) -> None:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    sts = boto3.client(
        "sts",
        config=Config(parameter_validation=False),
        region_name="us-east-1",
        endpoint_url=moto.url,
        aws_access_key_id=LANDING_KEY_ID,
        aws_secret_access_key=LANDING_SECRET,
    )
    arn = f"arn:aws:iam::{ACCOUNT}:role/dev"
    too_many = [{"Key": f"k{n}", "Value": "v"} for n in range(51)]
    for wrong in (
        {"Tags": too_many},
        {"Tags": [{"Key": "k" * 129, "Value": "v"}]},
        {"SourceIdentity": "a b"},
        {"PolicyArns": [{"arn": f"arn:aws:iam::{ACCOUNT}:policy/p{n}"} for n in range(11)]},
    ):
        with pytest.raises(ClientError, match="ValidationError"):
            sts.assume_role(RoleArn=arn, RoleSessionName="s", **wrong)
    assert len(moto.refusals()) == 4
