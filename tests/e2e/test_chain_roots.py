"""Chain roots botocore resolves (a credential_process, a web identity token file, IAM
Identity Center, an `aws login` session), each
carrying an MFA-guarded role hop, with the session agent and without it, under the strict
STS double: a temporary root never calls GetSessionToken, and the hop's role requires MFA.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.support.aws_files import (
    ACCOUNT,
    CODE,
    LANDING_KEY_ID,
    LANDING_SECRET,
    SERIAL,
    AwsFiles,
    role_arn_of,
)
from tests.support.commands import awsmfa
from tests.support.login_cache import SESSION, write_login_token
from tests.support.signin_service import REFRESHED, signin_service
from tests.support.sso_portal import ACCESS_TOKEN, sso_portal
from tests.support.sts_server import Moto, session_token

AGENT = {"on": {}, "off": {"AWSMFA_AGENT": "off"}}
IDENTITY = ["aws", "sts", "get-caller-identity", "--output", "json"]
# Prints the credential_process JSON: the landing keys, or (`temporary`, or KEYS=temporary
# in its environment) a session that moto hands out for them at run time. Each run adds a
# line to the file named by $RUNS.
PROCESS = f"""\
import json, os, sys
with open(os.environ["RUNS"], "a") as runs:
    runs.write("ran\\n")
keys = {{"Version": 1, "AccessKeyId": "{LANDING_KEY_ID}", "SecretAccessKey": "{LANDING_SECRET}"}}
if sys.argv[1:] == ["temporary"] or os.environ.get("KEYS") == "temporary":
    import boto3
    sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id=keys["AccessKeyId"],
                       aws_secret_access_key=keys["SecretAccessKey"])
    got = sts.get_session_token(DurationSeconds=3600)["Credentials"]
    keys.update(AccessKeyId=got["AccessKeyId"], SecretAccessKey=got["SecretAccessKey"],
                SessionToken=got["SessionToken"], Expiration=got["Expiration"].isoformat())
print(json.dumps(keys))
"""


def hop(source: str, name: str = "hop") -> str:
    return (
        f"\n[profile {name}]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/{name}\n"
        f"source_profile = {source}\nmfa_serial = {SERIAL}\n"
    )


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "runs"
    monkeypatch.setenv("RUNS", str(path))
    return path


def process_root(tmp_path: Path, *args: str, name: str = "root") -> str:
    script = tmp_path / "keys.py"
    script.write_text(PROCESS)
    command = " ".join([sys.executable, str(script), *args])
    return f"[profile {name}]\ncredential_process = {command}\nregion = eu-west-1\n"


def web_identity_root(tmp_path: Path, name: str = "root") -> str:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")  # moto checks no signature
    return (
        f"[profile {name}]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/ci\n"
        f"web_identity_token_file = {token}\nregion = eu-west-1\n"
    )


def sts_calls(moto: Moto) -> list[str]:
    """The STS calls so far, without the command's own GetCallerIdentity."""
    return [call for call in moto.calls() if call != "GetCallerIdentity"]


def assumed(result: object) -> str:
    out = getattr(result, "stdout", "")
    arn: str = json.loads(out)["Arn"]
    return arn


def exec_hop(env: dict[str, str], *options: str, profile: str = "hop") -> str:
    result = awsmfa("exec", profile, *options, "--", *IDENTITY, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return assumed(result)


@pytest.mark.parametrize("agent", AGENT)
@pytest.mark.parametrize("keys", ["long-term", "temporary"])
def test_credential_process_root_carries_an_mfa_guarded_hop(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, runs: Path, agent: str, keys: str
) -> None:
    extra = ("temporary",) if keys == "temporary" else ()
    aws_files.write(process_root(tmp_path, *extra) + hop("root"), "")
    moto.role("hop", requires_mfa=True)
    env = AGENT[agent]
    assert exec_hop(env, "-t", CODE).startswith(role_arn_of("hop"))
    calls = sts_calls(moto)
    if keys == "temporary":  # AWS refuses GetSessionToken with session credentials
        assert calls.count("GetSessionToken") == 1  # the script's own, none of awsmfa's
        assert calls[-1] == "AssumeRole"
    else:
        assert calls[-2:] == ["GetSessionToken", "AssumeRole"]
    assert moto.refusals() == []
    assert runs.read_text().count("ran") == 1
    if agent == "on":  # the agent keys the root by its settings: held, nothing run again
        assert exec_hop(env).startswith(role_arn_of("hop"))
        assert runs.read_text().count("ran") == 1
        assert sts_calls(moto) == calls


@pytest.mark.parametrize("agent", AGENT)
def test_the_mfa_code_does_not_reach_a_credential_process(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, runs: Path, agent: str
) -> None:
    """AWSMFA_TOKEN_CODE is awsmfa's, not the root's: the process ran with it."""
    aws_files.write(process_root(tmp_path) + hop("root"), "")
    tattle = tmp_path / "tattle.py"
    tattle.write_text(
        "import os, runpy, sys\n"
        "with open(os.environ['RUNS'], 'a') as runs:\n"
        "    runs.write(os.environ.get('AWSMFA_TOKEN_CODE', 'no code') + '\\n')\n"
        f"runpy.run_path({str(tmp_path / 'keys.py')!r})\n"
    )
    config = aws_files.config.read_text().replace(str(tmp_path / "keys.py"), str(tattle))
    aws_files.config.write_text(config)
    moto.role("hop", requires_mfa=True)
    assert exec_hop({**AGENT[agent], "AWSMFA_TOKEN_CODE": CODE}).startswith(role_arn_of("hop"))
    assert runs.read_text().splitlines() == ["no code", "ran"]


def test_the_agent_plans_a_new_role_on_a_process_root_without_running_it(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, runs: Path
) -> None:
    """The agent remembers that the process printed long-term keys: a second role on it is
    assumed with the MFA session it holds, with no code and without running the process.
    When the process later prints a session instead, the chain is planned anew for it (no
    GetSessionToken with temporary keys: the strict double refuses that) and the process
    runs once. hop3's own mfa_session_duration keys its MFA session apart from the held one,
    so hop3 needs the root."""
    config = process_root(tmp_path) + hop("root") + hop("root", "hop2") + hop("root", "hop3")
    aws_files.write(config + "mfa_session_duration = 7200\n", "")
    for name in ("hop", "hop2", "hop3"):
        moto.role(name, requires_mfa=True)
    assert exec_hop({}, "-t", CODE).startswith(role_arn_of("hop"))
    assert exec_hop({}, profile="hop2").startswith(role_arn_of("hop2"))  # no code, no terminal
    assert runs.read_text().count("ran") == 1
    assert sts_calls(moto) == ["GetSessionToken", "AssumeRole", "AssumeRole"]

    temporary = {"KEYS": "temporary"}
    assert exec_hop(temporary, "-t", CODE, profile="hop3").startswith(role_arn_of("hop3"))
    assert runs.read_text().count("ran") == 2
    # the process's own GetSessionToken (the landing keys, no MFA), then hop3 with the code
    assert sts_calls(moto)[3:] == ["GetSessionToken", "AssumeRole"]
    assert moto.refusals() == []


@pytest.mark.parametrize("agent", AGENT)
def test_web_identity_root_carries_an_mfa_guarded_hop(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path, agent: str
) -> None:
    aws_files.write(web_identity_root(tmp_path) + hop("root"), "")
    moto.role("hop", requires_mfa=True)
    env = AGENT[agent]
    assert exec_hop(env, "-t", CODE).startswith(role_arn_of("hop"))
    calls = sts_calls(moto)
    assert calls == ["AssumeRoleWithWebIdentity", "AssumeRole"]
    assert moto.refusals() == []
    if agent == "on":
        assert exec_hop(env).startswith(role_arn_of("hop"))
        assert sts_calls(moto) == calls


SSO_ROOT = """\
[profile root]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
region = eu-west-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
"""


@pytest.mark.parametrize("agent", AGENT)
def test_sso_root_carries_an_mfa_guarded_hop(
    moto: Moto, aws_files: AwsFiles, monkeypatch: pytest.MonkeyPatch, agent: str
) -> None:
    """The token `aws sso login` leaves in its cache, and the portal (a stub on loopback:
    moto does not serve GetRoleCredentials) handing out the role's temporary credentials."""
    aws_files.write(SSO_ROOT + hop("root"), "")
    sso_token(aws_files, "2099-01-01T00:00:00Z")
    moto.role("hop", requires_mfa=True)
    with sso_portal(moto.url) as portal:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", portal.url)
        assert exec_hop(AGENT[agent], "-t", CODE).startswith(role_arn_of("hop"))
    assert portal.asked == [("111122223333", "Admin")]
    assert sts_calls(moto) == ["GetSessionToken", "AssumeRole"]  # the portal's, then the hop
    assert moto.refusals() == []


def sso_token(files: AwsFiles, expires: str) -> None:
    cache = files.config.parent / "sso" / "cache"
    cache.mkdir(parents=True)
    token = {
        "startUrl": "https://example.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": ACCESS_TOKEN,
        "expiresAt": expires,
    }
    name = hashlib.sha1(b"corp", usedforsecurity=False).hexdigest()  # botocore's cache key
    (cache / f"{name}.json").write_text(json.dumps(token))


LOGIN_ROOT = f"[profile root]\nlogin_session = {SESSION}\nregion = eu-west-1\n"


@pytest.fixture
def login_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `aws login` leaves its token (AWS_LOGIN_CACHE_DIRECTORY), empty to start with;
    awscrt, which botocore's LoginProvider needs, is on (tests/conftest.py turns it off)."""
    monkeypatch.delenv("BOTO_DISABLE_CRT")
    directory = tmp_path / "login-cache"
    monkeypatch.setenv("AWS_LOGIN_CACHE_DIRECTORY", str(directory))
    return directory


def login_token(moto: Moto, directory: Path, valid: timedelta) -> Path:
    """The token of an `aws login` session whose credentials are an STS session moto issued
    (so the strict double knows them as temporary, and as carrying no MFA), expiring after
    `valid` (botocore refreshes within 15 minutes of the expiry: an hour needs none)."""
    keys = session_token(moto.url)
    return write_login_token(directory, keys, datetime.now(timezone.utc) + valid)


@pytest.mark.parametrize("agent", AGENT)
def test_login_root_carries_an_mfa_guarded_hop(
    moto: Moto, aws_files: AwsFiles, login_cache: Path, agent: str
) -> None:
    """The token `aws login` leaves, read by botocore's LoginProvider (which needs awscrt)."""
    aws_files.write(LOGIN_ROOT + hop("root"), "")
    token = login_token(moto, login_cache, timedelta(hours=1))
    minted = sts_calls(moto)  # the test's own GetSessionToken
    moto.role("hop", requires_mfa=True)
    env = AGENT[agent]
    assert exec_hop(env, "-t", CODE).startswith(role_arn_of("hop"))
    calls = sts_calls(moto)
    # temporary root keys: no GetSessionToken; the code goes on the AssumeRole
    assert calls == [*minted, "AssumeRole"]
    assert moto.refusals() == []
    root_key = json.loads(token.read_text())["accessToken"]["accessKeyId"]
    issued = moto.issued()
    assert issued.pop(root_key) is False  # the root carries no MFA: the role's MFA is the code
    assert list(issued.values()) == [True]
    if agent == "on":  # held by the agent: the root is not read again
        token.unlink()
        assert exec_hop(env).startswith(role_arn_of("hop"))
        assert sts_calls(moto) == calls


@pytest.mark.parametrize("agent", AGENT)
def test_expired_login_root_is_refreshed_by_botocore(
    moto: Moto, aws_files: AwsFiles, login_cache: Path, monkeypatch: pytest.MonkeyPatch, agent: str
) -> None:
    """An `aws login` session past its expiry: botocore refreshes it at the Sign-In service
    (a stub on loopback) with the refresh token and a DPoP proof, saves the new token in the
    cache as the AWS CLI does, and the hop is assumed with the new credentials."""
    aws_files.write(LOGIN_ROOT + hop("root"), "")
    token = login_token(moto, login_cache, timedelta(hours=-1))
    moto.role("hop", requires_mfa=True)
    with signin_service(moto.url) as signin:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SIGNIN", signin.url)
        assert exec_hop(AGENT[agent], "-t", CODE).startswith(role_arn_of("hop"))
    [(asked, with_proof)] = signin.asked
    assert asked["grantType"] == "refresh_token"
    assert asked["refreshToken"] == "login-refresh-token-for-tests"
    assert with_proof
    saved = json.loads(token.read_text())
    assert saved["refreshToken"] == REFRESHED
    # the test's session, the refreshed one, then the hop signed with the refreshed keys
    assert sts_calls(moto) == ["GetSessionToken", "GetSessionToken", "AssumeRole"]
    assert moto.refusals() == []


LOGIN_FAILING = {
    # no token in the cache: botocore asks for `aws login`
    "no-session": (
        {},
        3,
        "no credentials from login_session (run `aws login`): Error loading login session "
        f"token: Unable to load a existing login session for session {SESSION}. Please "
        "reauthenticate with 'aws login'.",
    ),
    # as without awscrt installed (awsmfa does not depend on it): botocore names it
    "no-awscrt": (
        {"BOTO_DISABLE_CRT": "true"},
        3,
        'requires an additional dependency. You will need to pip install "botocore[crt]"',
    ),
    # expired, and the Sign-In service is unreachable
    "expired-unreachable": ({}, 5, "Could not connect to the endpoint URL"),
    # expired, and the Sign-In service says the session has ended
    "expired-refused": ({}, 4, "Please reauthenticate using 'aws login'"),
}


@pytest.mark.parametrize("agent", AGENT)
@pytest.mark.parametrize("case", LOGIN_FAILING)
def test_a_login_root_that_gives_nothing_is_one_line(
    moto: Moto,
    aws_files: AwsFiles,
    login_cache: Path,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    agent: str,
    case: str,
) -> None:
    env, status, message = LOGIN_FAILING[case]
    aws_files.write(LOGIN_ROOT + hop("root"), "")
    if case == "no-awscrt":
        login_token(moto, login_cache, timedelta(hours=1))
    elif case.startswith("expired"):
        login_token(moto, login_cache, timedelta(hours=-1))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SIGNIN", f"http://127.0.0.1:{closed_port}")
    minted = sts_calls(moto)
    with signin_service(moto.url, refuse=True) as signin:
        if case == "expired-refused":
            monkeypatch.setenv("AWS_ENDPOINT_URL_SIGNIN", signin.url)
        command = ("exec", "hop", "-t", CODE, "--", "true")
        result = awsmfa(*command, env={**os.environ, **env, **AGENT[agent]})
    assert result.returncode == status, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("awsmfa: error: profile root: no credentials from login_session")
    assert message in lines[0]
    assert sts_calls(moto) == minted


FAILING = {
    "process": (
        '[profile root]\ncredential_process = sh -c "echo op: not signed in >&2; exit 1"\n',
        3,
        "no credentials from credential_process: Error when retrieving credentials from "
        "custom-process: op: not signed in",
    ),
    "itself": (
        "[profile root]\ncredential_process = awsmfa env hop --shell json\n",
        3,
        "credential_process runs awsmfa for root again",
    ),
    "sso-expired": (SSO_ROOT, 4, "no credentials from the IAM Identity Center token cache"),
}


@pytest.mark.parametrize("agent", AGENT)
@pytest.mark.parametrize("case", FAILING)
def test_a_root_that_gives_nothing_is_one_line(
    moto: Moto, aws_files: AwsFiles, agent: str, case: str
) -> None:
    config, status, message = FAILING[case]
    aws_files.write(config + hop("root"), "")
    sso_token(aws_files, "2001-01-01T00:00:00Z")
    result = awsmfa("exec", "hop", "-t", CODE, "--", "true", env={**os.environ, **AGENT[agent]})
    assert result.returncode == status, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("awsmfa: error: profile root")
    assert message in lines[0]
    assert sts_calls(moto) == []


def test_an_mfa_guarded_hop_refused_without_the_code(
    moto: Moto, aws_files: AwsFiles, tmp_path: Path
) -> None:
    """The hop's MFA is enforced: without a code (and no terminal), no role."""
    aws_files.write(web_identity_root(tmp_path) + hop("root"), "")
    moto.role("hop", requires_mfa=True)
    result = awsmfa("exec", "hop", "--", *IDENTITY, env={**os.environ, "AWSMFA_AGENT": "off"})
    assert result.returncode != 0
    assert "AssumeRole" not in moto.calls()


def test_list_names_each_root_kind(aws_files: AwsFiles, tmp_path: Path) -> None:
    config = process_root(tmp_path, name="proc") + hop("proc")
    config += "\n" + web_identity_root(tmp_path, name="wi")
    config += (
        "\n[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n"
        "sso_role_name = Admin\n\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n"
        f"sso_region = eu-west-1\n\n[profile login]\nlogin_session = {SESSION}\n"
    )
    aws_files.write(config, "")
    result = awsmfa("list", "--json")
    assert result.returncode == 0, result.stderr
    kinds = {e["name"]: (e["kind"], e["keys"]) for e in json.loads(result.stdout)}
    assert kinds["proc"] == ("root", "process")
    assert kinds["hop"] == ("role", "process")
    assert kinds["wi"] == ("root", "web-identity")
    assert kinds["sso"] == ("root", "sso")
    assert kinds["login"] == ("root", "login")
    table = awsmfa("list").stdout
    rows = [line.split() for line in table.splitlines()]
    assert ["wi", "root", "-", "web-identity"] in [row[:4] for row in rows]
    assert ["login", "root", "-", "login"] in [row[:4] for row in rows]
    assert ["hop", "role", "proc", "process", SERIAL] in [row[:5] for row in rows]
