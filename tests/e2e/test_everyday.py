"""`list`, `status`, `login` and completion, driven as the installed command."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.support.aws_files import ACCOUNT, CODE, LANDING_KEY_ID, LANDING_SECRET, SERIAL, AwsFiles
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.many_profiles import write_many
from tests.support.signin_server import TOKEN, SigninServer, signin_server
from tests.support.sts_server import Moto

__all__ = ["signin_server"]  # the fixture, imported for the tests below


def test_list_json_on_the_seed_config(aws_files: AwsFiles) -> None:
    result = awsmfa("list", "--json")
    assert result.returncode == 0, result.stderr
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert list(entries) == ["deep", "dev", "landing", "prod"]
    assert entries["landing"] | {} == {
        "name": "landing",
        "kind": "keys",
        "keys": "file",
        "role_arn": None,
        "source_profile": None,
        "credential_source": None,
        "mfa_serial": SERIAL,
        "region": "eu-west-1",
        "region_from": None,
        "session_minutes_left": None,
        "role_minutes_left": None,
        "source_identity": None,
        "session_tags": None,
        "transitive_session_tags": None,
        "policy_arns": None,
    }
    assert entries["dev"]["kind"] == "role"
    assert entries["dev"]["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/dev"
    assert entries["dev"]["mfa_serial"] == SERIAL  # inherited from landing
    assert entries["deep"]["kind"] == "chain"
    assert entries["deep"]["source_profile"] == "dev"
    assert LANDING_SECRET not in result.stdout + result.stderr
    assert LANDING_KEY_ID not in result.stdout + result.stderr


def test_list_table_for_people(aws_files: AwsFiles) -> None:
    result = awsmfa("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PROFILE", "KIND", "SOURCE", "KEYS", "MFA", "SERIAL", "REGION"]
    assert lines[1].split() == ["deep", "chain", "dev", "file", SERIAL, "eu-central-1"]
    assert lines[3].split() == ["landing", "keys", "-", "file", SERIAL, "eu-west-1"]
    assert LANDING_SECRET not in result.stdout


def test_list_json_on_a_thousand_profiles(isolated: AwsFiles) -> None:
    write_many(isolated, 1000)
    result = awsmfa("list", "--json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 1000
    kinds = [e["kind"] for e in entries]
    assert kinds.count("keys") == 1
    assert kinds.count("chain") == 99
    assert kinds.count("role") == 900
    assert {e["mfa_serial"] for e in entries} == {SERIAL}


def test_status_outside_awsmfa_exits_1(aws_files: AwsFiles) -> None:
    result = awsmfa("status")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no AWS credentials in this environment" in result.stderr
    as_json = awsmfa("status", "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["profile"] is None
    assert json.loads(as_json.stdout)["seconds_left"] is None


def test_status_inside_exec_names_profile_role_and_time_left(moto: Moto) -> None:
    result = awsmfa("exec", "dev", "-t", CODE, "--", AWSMFA, "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["profile"] == "dev"
    assert status["valid"] is True
    assert 3000 < status["seconds_left"] <= 3600
    assert (status["account"], status["role"]) == (ACCOUNT, "dev")
    assert status["identity_from"] == "config"
    assert moto.calls() == ["GetSessionToken", "AssumeRole"]  # status itself: no network
    text = awsmfa("exec", "dev", "-t", CODE, "--", AWSMFA, "status")
    assert text.returncode == 0, text.stderr
    assert "profile:    dev\n" in text.stdout
    assert "expires in: " in text.stdout


def test_status_verify_asks_sts(moto: Moto) -> None:
    result = awsmfa("exec", "deep", "-t", CODE, "--", AWSMFA, "status", "--verify", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["identity_from"] == "sts"
    assert status["role"] == "deep"
    assert status["arn"].startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/deep/")
    assert moto.calls()[-1] == "GetCallerIdentity"


def test_status_of_expired_credentials_exits_1(aws_files: AwsFiles) -> None:
    env = {
        **os.environ,
        "AWSMFA_PROFILE": "dev",
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE01",
        "AWS_SECRET_ACCESS_KEY": "s3cr3t-value",
        "AWS_SESSION_TOKEN": "t0ken-value",
        "AWS_CREDENTIAL_EXPIRATION": "2020-01-01T00:00:00Z",
    }
    result = awsmfa("status", "--json", env=env)
    assert result.returncode == 1
    status = json.loads(result.stdout)
    assert (status["profile"], status["valid"], status["seconds_left"]) == ("dev", False, 0)
    assert "expired" in result.stderr
    for secret in ("s3cr3t-value", "t0ken-value", "ASIAEXAMPLEEXAMPLE01"):
        assert secret not in result.stdout + result.stderr


def test_login_print_uses_the_federation_endpoint(moto: Moto, signin_server: SigninServer) -> None:
    result = awsmfa("login", "dev", "--print", "-t", CODE)
    assert result.returncode == 0, result.stderr
    [request] = signin_server.requests
    assert request.method == "GET"
    assert request.query["Action"] == ["getSigninToken"]
    session = json.loads(request.query["Session"][0])
    assert set(session) == {"sessionId", "sessionKey", "sessionToken"}
    assert session["sessionId"].startswith("ASIA")
    assert session["sessionKey"]
    assert session["sessionToken"]
    url = urlsplit(result.stdout.strip())
    assert f"{url.scheme}://{url.netloc}{url.path}" == signin_server.url
    query = parse_qs(url.query)
    assert query["Action"] == ["login"]
    assert query["SigninToken"] == [TOKEN]
    assert query["Issuer"] == ["awsmfa"]
    assert query["Destination"] == [
        "https://console.aws.amazon.com/console/home?region=eu-central-1"
    ]
    for secret in (session["sessionKey"], session["sessionToken"]):
        assert secret not in result.stdout + result.stderr
    assert result.stdout.count("\n") == 1
    debug = awsmfa("--debug", "login", "dev", "--print", "-t", CODE)
    assert debug.returncode == 0, debug.stderr
    assert "getSigninToken for dev" in debug.stderr
    latest = json.loads(signin_server.requests[-1].query["Session"][0])
    for secret in (latest["sessionKey"], latest["sessionToken"]):
        assert secret not in debug.stdout + debug.stderr


def test_login_lands_on_the_given_destination(moto: Moto, signin_server: SigninServer) -> None:
    target = "https://console.amazonaws-us-gov.com/s3/home"
    result = awsmfa("login", "dev", "--print", "-t", CODE, "--destination", target)
    assert result.returncode == 0, result.stderr
    assert parse_qs(urlsplit(result.stdout.strip()).query)["Destination"] == [target]


def test_login_opens_the_browser(moto: Moto, signin_server: SigninServer, tmp_path: Path) -> None:
    seen = tmp_path / "browser-args"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {seen}\n')
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    result = awsmfa("login", "dev", "-t", CODE, env={**os.environ, "BROWSER": str(browser)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert parse_qs(urlsplit(seen.read_text()).query)["SigninToken"] == [TOKEN]
    assert "opened the AWS console as dev" in result.stderr


def test_login_refused_by_the_endpoint_exits_4(moto: Moto, signin_server: SigninServer) -> None:
    signin_server.refuse = True
    result = awsmfa("login", "dev", "--print", "-t", CODE)
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr.startswith("awsmfa: error: the sign-in endpoint refused")
    assert "Traceback" not in result.stderr


def test_login_of_a_keys_profile_says_to_use_a_role(
    moto: Moto, signin_server: SigninServer
) -> None:
    result = awsmfa("login", "landing", "--print", "-t", CODE)
    assert result.returncode == 3
    assert "has no role_arn" in result.stderr
    assert moto.calls() == []
    assert signin_server.requests == []


def test_login_unknown_profile_suggests_the_close_one(aws_files: AwsFiles) -> None:
    result = awsmfa("login", "dvv", "--print", "-t", CODE)
    assert result.returncode == 3
    assert "did you mean 'dev'?" in result.stderr


def test_completion_of_exec_d_offers_dev(aws_files: AwsFiles) -> None:
    env = {**os.environ, "_AWSMFA_COMPLETE": "complete_bash"}
    result = awsmfa(env={**env, "COMP_WORDS": "awsmfa exec d", "COMP_CWORD": "2"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["deep", "dev"]
    login = awsmfa(env={**env, "COMP_WORDS": "awsmfa login p", "COMP_CWORD": "2"})
    assert login.stdout.split() == ["prod"]
    clear = awsmfa(env={**env, "COMP_WORDS": "awsmfa clear de", "COMP_CWORD": "2"})
    assert clear.stdout.split() == ["deep", "dev"]


def test_bash_completion_script_completes_profiles(aws_files: AwsFiles) -> None:
    script = (
        'eval "$(awsmfa completion bash)"\n'
        "COMP_WORDS=(awsmfa exec de); COMP_CWORD=2\n"
        "_awsmfa_completion awsmfa\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = run(["bash", "--norc", "-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["deep", "dev"]


def test_zsh_protocol_offers_profiles(aws_files: AwsFiles) -> None:
    env = {**os.environ, "_AWSMFA_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "awsmfa env d"}
    result = awsmfa(env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '_arguments \'*: :(("deep"\n"dev"))\''


def test_fish_completion_script_completes_profiles(aws_files: AwsFiles) -> None:
    script = 'awsmfa completion fish | source; complete -C "awsmfa exec p"'
    result = run(["fish", "--no-config", "-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["prod"]


def test_every_everyday_help_shows_an_example() -> None:
    for command in ("list", "status", "login", "completion", "exec", "env"):
        result = awsmfa(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "awsmfa " + command in result.stdout.split("Options:")[1], command


def test_completion_of_an_unknown_shell_is_a_usage_error() -> None:
    result = awsmfa("completion", "tcsh")
    assert result.returncode == 2
    assert result.stderr == (
        "awsmfa: error: completion supports bash, zsh, fish, powershell; got 'tcsh'\n"
    )


def test_list_of_a_malformed_config_exits_3(isolated: AwsFiles) -> None:
    isolated.write("[profile dev\nrole_arn = x\n", "")
    result = awsmfa("list")
    assert result.returncode == 3
    assert result.stderr.startswith("awsmfa: error: ")
    assert "malformed" in result.stderr
    assert result.stdout == ""


def test_list_and_status_never_load_the_sts_client_machinery(aws_files: AwsFiles) -> None:
    for args in (["list", "--json"], ["status"]):
        result = run([sys.executable, "-X", "importtime", "-m", "awsmfa_exec", *args])
        assert result.returncode in (0, 1), result.stderr
        loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
        assert "botocore.configloader" in loaded or args == ["status"]
        assert not loaded & {"boto3", "botocore.session", "botocore.client", "rich"}, args


def test_status_of_a_keys_profile_takes_the_account_from_its_mfa_serial(moto: Moto) -> None:
    result = awsmfa("exec", "landing", "-t", CODE, "--", AWSMFA, "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert (status["profile"], status["account"], status["role"]) == ("landing", ACCOUNT, None)


def test_list_without_profiles_says_so_on_stderr(isolated: AwsFiles) -> None:
    result = awsmfa("list", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert "no profiles in" in result.stderr


def test_zsh_completion_script_hands_profiles_to_arguments(aws_files: AwsFiles) -> None:
    # compsys needs a terminal; stand in for its two entry points and run the real script.
    script = (
        "compdef() { :; }\n"
        '_arguments() { print -rl -- "$@"; }\n'
        'eval "$(awsmfa completion zsh)"\n'
        "words=(awsmfa login d); CURRENT=3\n"
        "_awsmfa_completion\n"
    )
    result = run(["zsh", "-f", "-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stdout == '*: :(("deep" "dev"))\n'
