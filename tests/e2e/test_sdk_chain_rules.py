"""The profile chains every AWS SDK resolves alike (the SDKs' shared conformance cases for
assume-role chains, their facts written out here), resolved by awsmfa against the strict
STS double: the key that signs the first STS call, each AssumeRole's (and
AssumeRoleWithWebIdentity's) RoleArn, session name and external id, and each refusal's exit
code — with no MFA, and with an `mfa_serial` on the profile asked for and a code given.

Every case runs in process through `obtain` (AWSMFA_AGENT=off) against the double on
loopback, the instance metadata service and the IAM Identity Center portal stubbed on
loopback too; a few run end to end through the installed `awsmfa`, the agent on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from awsmfa_exec.config import default_session_name
from awsmfa_exec.errors import AwsmfaError
from awsmfa_exec.obtain import obtain
from awsmfa_exec.request import Request
from tests.support.aws_files import CODE, LANDING_KEY_ID, SERIAL, AwsFiles
from tests.support.imds import imds
from tests.support.sso_portal import ACCESS_TOKEN, sso_portal
from tests.support.sts_server import Moto

ROLE_A = "arn:aws:iam::123456789:role/RoleA"
ROLE_B = "arn:aws:iam::123456789:role/RoleB"
TOKEN_FILE = "/var/token.jwt"  # replaced by a real file in the test's folder
SSO_URL = "https://foo.bar"
WRONG = {"aws_access_key_id": "bug_if_returned", "aws_secret_access_key": "bug_if_returned"}
IMDS = "imds"  # the first call is signed by what the instance metadata service handed out
UNSIGNED = ""  # the first call is AssumeRoleWithWebIdentity (the token is the proof)


def keys(key_id: str, secret: str) -> dict[str, str]:
    return {"aws_access_key_id": key_id, "aws_secret_access_key": secret}


def role(arn: str, **more: str) -> dict[str, str]:
    return {"role_arn": arn, **more}


@dataclass(frozen=True)
class Step:
    action: str  # AssumeRole or AssumeRoleWithWebIdentity
    role_arn: str
    session_name: str | None = None  # None: awsmfa's default (botocore's for web identity)
    external_id: str | None = None


@dataclass(frozen=True)
class Case:
    profiles: dict[str, dict[str, str]]
    signer: str | None = None  # the key id that signs the first STS call; None: no call
    steps: tuple[Step, ...] = ()
    exit_code: int = 0  # the SDKs' error cases: awsmfa's exit code
    selected: str = "A"


def assume(arn: str, **more: str) -> Step:
    return Step("AssumeRole", arn, more.get("session"), more.get("external_id"))


def web(arn: str, session: str | None = None) -> Step:
    return Step("AssumeRoleWithWebIdentity", arn, session)


WEB_B = role(ROLE_B, web_identity_token_file=TOKEN_FILE, role_session_name="some_session_name")
SSO_A = {
    "sso_account_id": "0123",
    "sso_region": "us-east-7",
    "sso_role_name": "testrole",
    "sso_start_url": SSO_URL,
}
CASES = {
    "basic test case, a role_arn backed by a static credential": Case(
        {"A": role(ROLE_A, source_profile="B"), "B": keys("abc123", "def456")},
        "abc123",
        (assume(ROLE_A),),
    ),
    "ignore explicit credentials when source profile is specified": Case(
        {
            "A": {**keys("abc123", "def456"), **role(ROLE_A, source_profile="B")},
            "B": keys("ghi890", "jkl123"),
        },
        "ghi890",
        (assume(ROLE_A),),
    ),
    "load role_session_name for the AssumeRole provider": Case(
        {
            "A": role(ROLE_A, role_session_name="my_session_name", source_profile="B"),
            "B": keys("abc123", "def456"),
        },
        "abc123",
        (assume(ROLE_A, session="my_session_name"),),
    ),
    "load external id for the AssumeRole provider": Case(
        {
            "A": role(ROLE_A, external_id="my_external_id", source_profile="B"),
            "B": keys("abc123", "def456"),
        },
        "abc123",
        (assume(ROLE_A, external_id="my_external_id"),),
    ),
    "self referential profile (first load base creds, then use for the role)": Case(
        {"A": {**keys("abc123", "def456"), **role(ROLE_A, source_profile="A")}},
        "abc123",
        (assume(ROLE_A),),
    ),
    "Load credentials from a credential_source": Case(
        {"A": role(ROLE_A, credential_source="Ec2InstanceMetadata")}, IMDS, (assume(ROLE_A),)
    ),
    "role_arn without source source_profile": Case({"A": role(ROLE_A)}, exit_code=3),
    "source profile and credential source both present": Case(
        {
            "A": role(ROLE_A, credential_source="Environment", source_profile="B"),
            "B": keys("!23", "456"),
        },
        exit_code=3,
    ),
    "partial credentials error (missing secret)": Case(
        {"A": role("arn:foo", source_profile="B"), "B": {"aws_access_key_id": "abc123"}},
        exit_code=3,
    ),
    "partial credentials error (missing access key)": Case(
        {"A": role("arn:foo", source_profile="B"), "B": {"aws_secret_access_key": "abc123"}},
        exit_code=3,
    ),
    "missing credentials error (empty source profile)": Case(
        {"A": role("arn:foo", source_profile="B"), "B": {}}, exit_code=3
    ),
    "profile only contains configuration": Case(
        {"A": {"ec2_metadata_service_endpoint_mode": "IPv6"}}, exit_code=3
    ),
    "missing source profile": Case({"A": role("arn:foo", source_profile="B")}, exit_code=3),
    "missing root profile (should never happen in practice)": Case({}, exit_code=3),
    "multiple chained assume role profiles": Case(
        {
            "A": role(ROLE_A, source_profile="B"),
            "B": role(ROLE_B, source_profile="C"),
            "C": keys("mno456", "pqr789"),
        },
        "mno456",
        (assume(ROLE_B), assume(ROLE_A)),
    ),
    "chained assume role profiles with static credentials": Case(
        {
            "A": {**WRONG, **role(ROLE_A, source_profile="B")},
            "B": {**keys("profile_b_key", "profile_b_secret"), **role(ROLE_B, source_profile="C")},
            "C": WRONG,
        },
        "profile_b_key",
        (assume(ROLE_A),),
    ),
    "assume role profile infinite loop": Case(
        {"A": role(ROLE_A, source_profile="B"), "B": role(ROLE_B, source_profile="A")},
        exit_code=3,
    ),
    "infinite loop with static credentials": Case(
        {"A": {**WRONG, **role(ROLE_A, source_profile="B")}, "B": role(ROLE_B, source_profile="A")},
        exit_code=3,
    ),
    "web identity role": Case(
        {"A": role(ROLE_A, web_identity_token_file=TOKEN_FILE)}, UNSIGNED, (web(ROLE_A),)
    ),
    "web identity role with session name": Case(
        {
            "A": role(
                ROLE_A, web_identity_token_file=TOKEN_FILE, role_session_name="some_session_name"
            )
        },
        UNSIGNED,
        (web(ROLE_A, "some_session_name"),),
    ),
    "web identity role without role_arn": Case(
        {"A": {"web_identity_token_file": TOKEN_FILE}}, exit_code=3
    ),
    "web identity token as source profile": Case(
        {"A": role(ROLE_A, source_profile="B"), "B": WEB_B},
        UNSIGNED,
        (web(ROLE_B, "some_session_name"), assume(ROLE_A)),
    ),
    "SSO profile selected": Case({"A": SSO_A}),  # the portal's credentials, no STS call
    "invalid SSO configuration": Case(
        {"A": {k: v for k, v in SSO_A.items() if k != "sso_account_id"}}, exit_code=3
    ),
}
MFA = {"no mfa_serial": False, "mfa_serial": True}


def config_text(case: Case, token: Path, mfa: bool) -> str:
    sections = []
    for name, values in case.profiles.items():
        own = {**values, **({"mfa_serial": SERIAL} if mfa and name == case.selected else {})}
        lines = [f"{k} = {str(v).replace(TOKEN_FILE, str(token))}" for k, v in own.items()]
        sections.append("\n".join([f"[profile {name}]", *lines]))
    return "\n\n".join(sections) + "\n"


def sso_token(files: AwsFiles) -> None:
    """The token `aws sso login` leaves for the legacy start URL (cached by its sha1)."""
    cache = files.config.parent / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    token = {"startUrl": SSO_URL, "region": "us-east-7", "accessToken": ACCESS_TOKEN}
    token["expiresAt"] = "2099-01-01T00:00:00Z"
    name = hashlib.sha1(SSO_URL.encode(), usedforsecurity=False).hexdigest()
    (cache / f"{name}.json").write_text(json.dumps(token))


@pytest.fixture
def stubs(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The portal and the instance metadata service on loopback; yields the access key ids
    the metadata service hands out."""
    from botocore.credentials import SSOProvider

    # botocore fixed its token folder under the HOME of its import; this test's HOME's
    cache = Path(os.environ["HOME"]) / ".aws" / "sso" / "cache"
    monkeypatch.setattr(SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    with sso_portal(moto.url) as portal, imds(moto.url) as metadata:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata.url)
        yield metadata.handed_out


def check_steps(moto: Moto, case: Case) -> None:
    assumed = moto.assumed()
    assert [(a["Action"], a["RoleArn"]) for a in assumed] == [
        (step.action, step.role_arn) for step in case.steps
    ]
    for step, asked in zip(case.steps, assumed, strict=True):
        if step.session_name is not None or step.action == "AssumeRole":
            assert asked["RoleSessionName"] == (step.session_name or default_session_name())
        assert asked.get("ExternalId") == step.external_id


@pytest.mark.parametrize("mfa", MFA)
@pytest.mark.parametrize("docs", CASES)
def test_the_sdks_chain_rules(
    moto: Moto,
    aws_files: AwsFiles,
    tmp_path: Path,
    stubs: list[str],
    docs: str,
    mfa: str,
) -> None:
    case, with_mfa = CASES[docs], MFA[mfa]
    token = tmp_path / "token.jwt"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
    aws_files.write(config_text(case, token, with_mfa), "")
    sso_token(aws_files)
    environ = {**os.environ, "AWSMFA_AGENT": "off"}
    request = Request(case.selected, CODE if with_mfa else None)
    if case.exit_code:
        with pytest.raises(AwsmfaError) as refused:
            obtain(request, environ)
        assert refused.value.exit_code == case.exit_code, refused.value.message
        message = refused.value.message
        assert "\n" not in message
        assert "sso login" not in message  # no hint that cannot help
        if case.profiles.get(case.selected, {}).get("role_arn"):
            assert "no role_arn" not in message
        assert moto.calls() == []
        return
    got = obtain(request, environ).credentials
    signed = [key for key in moto.signed("sts") if key != LANDING_KEY_ID]  # not the stubs'
    if case.signer is None:
        assert moto.calls() == ["GetSessionToken"]  # the portal's own, for its answer
    elif case.signer == UNSIGNED:
        assert moto.calls()[0] == "AssumeRoleWithWebIdentity"
    else:
        assert signed[0] == (stubs[0] if case.signer == IMDS else case.signer)
    check_steps(moto, case)
    assert moto.refusals() == []
    roles = any(step.action == "AssumeRole" for step in case.steps)
    assert moto.issued()[got.access_key_id] is (with_mfa and roles)  # the code was used
