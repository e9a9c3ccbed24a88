"""What a person is told about AWS files that do not say what they meant."""

from __future__ import annotations

import pytest

from awsmfa_exec.config import Files, load_chain, load_profiles
from awsmfa_exec.config_hints import missing_profile_hints, redacted
from awsmfa_exec.errors import ConfigError
from tests.support.aws_files import LANDING_SECRET, SEED_CONFIG, AwsFiles


def malformed(isolated: AwsFiles, config: str) -> str:
    isolated.write(config=config)
    with pytest.raises(ConfigError) as caught:
        load_profiles(Files(isolated.config, isolated.credentials))
    assert caught.value.exit_code == 3
    assert LANDING_SECRET not in caught.value.message
    return caught.value.message.split(" is malformed: ", 1)[1]


def test_a_header_without_its_bracket_is_named_on_its_own_line(isolated: AwsFiles) -> None:
    # configparser itself stops at line 8, where `region` repeats in [profile landing]
    config = SEED_CONFIG.replace("[profile dev]", "[profile dev")
    assert malformed(isolated, config) == (
        "line 5 ([profile dev): a [section] header without its closing ]; fix or move the file"
    )


def test_a_repeated_key_is_named_with_its_section(isolated: AwsFiles) -> None:
    config = "[profile a]\nregion = x\nregion = y\n"
    assert malformed(isolated, config) == (
        "line 3 (region = y): 'region' is set twice in [profile a]; fix or move the file"
    )


def test_a_setting_before_any_section(isolated: AwsFiles) -> None:
    config = f"aws_secret_access_key = {LANDING_SECRET}\n[profile a]\n"
    assert malformed(isolated, config) == (
        "line 1 (aws_secret_access_key = ****): a setting before any [section] header; "
        "fix or move the file"
    )


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (f"aws_secret_access_key = {LANDING_SECRET}", "aws_secret_access_key = ****"),
        (f"aws_secret_access_key {LANDING_SECRET}", "aws_secret_access_key ****"),
        ("aws_session_token=short", "aws_session_token=****"),
        (LANDING_SECRET, "****"),
        ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = ****"),
        ("[profile dev", "[profile dev"),
        ("mfa_serial = arn:aws:iam::111111111111:mfa/alice", None),
        ("region = eu-west-1", None),
    ],
)
def test_redaction_keeps_settings_and_masks_what_may_be_secret(line: str, shown: str) -> None:
    assert redacted(line) == (shown or line)


def test_a_section_without_profile_in_the_config_file_gets_a_hint(isolated: AwsFiles) -> None:
    isolated.write(config=SEED_CONFIG.replace("[profile dev]", "[dev]"))
    with pytest.raises(ConfigError) as caught:
        load_chain("dev", {})
    assert caught.value.message.endswith(
        "; [dev] in the config file is not read as a profile: name it [profile dev]"
    )
    assert caught.value.exit_code == 3


def test_an_unknown_source_profile_gets_a_did_you_mean(isolated: AwsFiles) -> None:
    isolated.write(
        config=SEED_CONFIG.replace("source_profile = landing", "source_profile = landin")
    )
    with pytest.raises(ConfigError, match=r"source_profile = landin, .*did you mean 'landing'\?"):
        load_chain("dev", {})


def test_hints_say_nothing_when_nothing_is_close() -> None:
    assert missing_profile_hints("zzz", ["dev", "prod"], ["profile dev"]) == ""
    assert missing_profile_hints("default", ["dev"], ["default"]) == ""
