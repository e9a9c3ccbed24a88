"""Each shell's rendering of a mapping: golden output, key checks, the JSON and dotenv rules."""

from __future__ import annotations

import json

import pytest

from awsmfa_exec import shells
from awsmfa_exec.errors import ConfigError, UsageError
from awsmfa_exec.shells.posix import quote_ansi_c, quote_single

MAPPING: dict[str, str | None] = {
    "AWS_SESSION_TOKEN": "tok/en+=",
    "AWS_PROFILE": None,
    "AWS_REGION": "it's $(x)",
    "AWSMFA_PROFILE": "dev",
}
GOLDEN = {
    "sh": (
        "export AWSMFA_PROFILE=dev\n"
        "unset AWS_PROFILE\n"
        "export AWS_REGION='it'\\''s $(x)'\n"
        "export AWS_SESSION_TOKEN=tok/en+=\n"
    ),
    "bash": (
        "export AWSMFA_PROFILE=dev\n"
        "unset AWS_PROFILE\n"
        "export AWS_REGION='it'\\''s $(x)'\n"
        "export AWS_SESSION_TOKEN=tok/en+=\n"
    ),
    "fish": (
        "set -gx AWSMFA_PROFILE 'dev';\n"
        "if set -q -g AWS_PROFILE; set -e -g AWS_PROFILE; end;\n"
        "set -gx AWS_REGION 'it\\'s $(x)';\n"
        "set -gx AWS_SESSION_TOKEN 'tok/en+=';\n"
    ),
    "powershell": (
        "$Env:AWSMFA_PROFILE = 'dev'\n"
        "if (Test-Path -LiteralPath Env:AWS_PROFILE) { Remove-Item -LiteralPath Env:AWS_PROFILE }\n"
        "$Env:AWS_REGION = 'it''s $(x)'\n"
        "$Env:AWS_SESSION_TOKEN = 'tok/en+='\n"
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_output_is_sorted_and_quoted(name: str) -> None:
    assert shells.get(name).export(MAPPING) == GOLDEN[name]


def test_every_shell_of_the_spec_is_registered() -> None:
    assert shells.names() == ["bash", "dotenv", "fish", "json", "powershell", "sh", "zsh"]


def test_unknown_shell_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown shell 'tcsh'; choose one of: bash, dotenv"):
        shells.get("tcsh")


@pytest.mark.parametrize("name", ["sh", "fish", "powershell", "dotenv"])
@pytest.mark.parametrize("key", ["1ABC", "A-B", "A B", "A;rm", ""])
def test_invalid_keys_are_refused(name: str, key: str) -> None:
    with pytest.raises(UsageError, match="invalid environment variable name"):
        shells.get(name).export({key: "v"})


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("", "''"),
        ("eu-west-1", "eu-west-1"),
        ("ab==", "ab=="),
        ("=ls", "'=ls'"),
        ("a b", "'a b'"),
        ("'", "\\'"),
        ("it's", "'it'\\''s'"),
        ("a\\'b\\", "'a'\\\\\\''b'\\\\"),
        ("a\nb", "'a\nb'"),
    ],
)
def test_posix_single_quotes(value: str, quoted: str) -> None:
    assert quote_single(value) == quoted


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("a b", "'a b'"),
        ("a\nb", "$'a\\x0ab'"),
        ("it's\t\\", "$'it\\'s\\x09\\\\'"),
        ("\x1b[31m", "$'\\x1b[31m'"),
        ("\x85é", "$'\\xc2\\x85é'"),
    ],
)
def test_bash_and_zsh_escape_control_characters(value: str, quoted: str) -> None:
    assert quote_ansi_c(value) == quoted


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("tok/en+=", "K='tok/en+='"),
        ("$(x) `y` \\ \n", "K='$(x) `y` \\\\ \n'"),
        ("it's \\ \"\r\n", 'K="it\'s \\\\ \\"\\r\\n"'),
    ],
)
def test_dotenv_single_quotes_else_double_quotes(value: str, line: str) -> None:
    assert shells.get("dotenv").export({"K": value}) == line + "\n"


@pytest.mark.parametrize("value", ["it's $(x)", "`x`\r", "${HOME}", "a${b:-c}d"])
def test_dotenv_refuses_what_sh_or_python_dotenv_would_misread(value: str) -> None:
    with pytest.raises(ConfigError, match="--shell dotenv cannot write the value of K so that"):
        shells.get("dotenv").export({"K": value})


def test_powershell_doubles_typographic_quotes() -> None:
    code = shells.get("powershell").export({"A": "a\u2019b\u2018c\u201a\u201bd"})
    assert code == "$Env:A = 'a\u2019\u2019b\u2018\u2018c\u201a\u201a\u201b\u201bd'\n"


def test_json_is_credential_process_version_1() -> None:
    env: dict[str, str | None] = {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": "token",
        "AWS_CREDENTIAL_EXPIRATION": "2030-01-01T00:00:00Z",
        "AWS_REGION": "eu-west-1",
        "AWSMFA_PROFILE": "dev",
        "AWS_PROFILE": None,
    }
    assert json.loads(shells.get("json").export(env)) == {
        "Version": 1,
        "AccessKeyId": "ASIAEXAMPLE",
        "SecretAccessKey": "secret",
        "SessionToken": "token",
        "Expiration": "2030-01-01T00:00:00Z",
    }


def test_json_leaves_out_what_static_keys_lack() -> None:
    env: dict[str, str | None] = {"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}
    document = json.loads(shells.get("json").export(env))
    assert document == {"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "s"}


@pytest.mark.parametrize("name", ["json", "dotenv"])
def test_nothing_to_unset_in_json_or_dotenv(name: str) -> None:
    with pytest.raises(UsageError, match="unset"):
        shells.get(name).export({"AWS_ACCESS_KEY_ID": None, "AWSMFA_PROFILE": None})
