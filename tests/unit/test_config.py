"""Profile resolution against inline INI fixtures."""

from __future__ import annotations

import textwrap

import pytest

from awsmfa_exec.config import MAX_HOPS, Files, load_profiles, resolve
from awsmfa_exec.errors import ConfigError
from tests.support.aws_files import AwsFiles

KEYS = """
[landing]
aws_access_key_id = AKIAEXAMPLEKEYID0001
aws_secret_access_key = secret-one
"""


def chain_of(files: AwsFiles, config: str, name: str, credentials: str = KEYS, environ=None):  # type: ignore[no-untyped-def]
    files.write(textwrap.dedent(config), textwrap.dedent(credentials))
    found = Files(files.config, files.credentials)
    return resolve(name, load_profiles(found), found, environ or {})


def test_role_with_mfa_on_the_source(isolated: AwsFiles) -> None:
    chain = chain_of(
        isolated,
        """
        [profile landing]
        mfa_serial = arn:aws:iam::1:mfa/a
        [profile dev]
        role_arn = arn:aws:iam::2:role/dev
        source_profile = landing
        region = eu-west-3
        external_id = ext
        role_session_name = me
        duration_seconds = 1800
        """,
        "dev",
    )
    assert chain.source.profile == "landing"
    assert chain.source.credentials.access_key_id == "AKIAEXAMPLEKEYID0001"
    assert chain.mfa_serial == "arn:aws:iam::1:mfa/a"
    assert chain.region == "eu-west-3"
    (hop,) = chain.hops
    assert (hop.role_arn, hop.external_id, hop.session_name, hop.duration_seconds) == (
        "arn:aws:iam::2:role/dev",
        "ext",
        "me",
        1800,
    )


def test_mfa_serial_on_the_role_wins_over_the_source(isolated: AwsFiles) -> None:
    chain = chain_of(
        isolated,
        """
        [profile landing]
        mfa_serial = arn:aws:iam::1:mfa/source
        [profile dev]
        role_arn = arn:aws:iam::2:role/dev
        source_profile = landing
        mfa_serial = arn:aws:iam::1:mfa/role
        """,
        "dev",
    )
    assert chain.mfa_serial == "arn:aws:iam::1:mfa/role"


def test_chain_hops_run_from_the_keys_outwards(isolated: AwsFiles) -> None:
    chain = chain_of(
        isolated,
        """
        [profile a]
        role_arn = arn:aws:iam::2:role/a
        source_profile = landing
        [profile b]
        role_arn = arn:aws:iam::3:role/b
        source_profile = a
        [profile c]
        role_arn = arn:aws:iam::4:role/c
        source_profile = b
        """,
        "c",
    )
    assert [hop.profile for hop in chain.hops] == ["a", "b", "c"]
    assert chain.mfa_serial is None


def test_credentials_file_values_win_over_config_values(isolated: AwsFiles) -> None:
    chain = chain_of(
        isolated,
        """
        [profile landing]
        aws_access_key_id = AKIAFROMCONFIGFILE00
        aws_secret_access_key = from-config
        region = us-west-1
        """,
        "landing",
    )
    assert chain.source.credentials.access_key_id == "AKIAEXAMPLEKEYID0001"
    assert chain.region == "us-west-1"


def test_default_profile_and_odd_section_names(isolated: AwsFiles) -> None:
    chain = chain_of(
        isolated,
        """
        [default]
        region = ap-east-1
        [profile team.dev-2@corp]
        role_arn = arn:aws:iam::2:role/x
        source_profile = default
        """,
        "team.dev-2@corp",
        credentials=(
            "[default]\naws_access_key_id = AKIADEFAULTKEY000001\naws_secret_access_key = s\n"
        ),
    )
    assert chain.source.profile == "default"


def test_self_sourced_role_uses_its_own_keys(isolated: AwsFiles) -> None:
    chain = chain_of(
        isolated,
        """
        [profile landing]
        role_arn = arn:aws:iam::2:role/self
        source_profile = landing
        """,
        "landing",
    )
    assert chain.source.profile == "landing"
    assert len(chain.hops) == 1


def test_credential_source_environment(isolated: AwsFiles) -> None:
    environ = {"AWS_ACCESS_KEY_ID": "AKIAENVIRONMENTKEY01", "AWS_SECRET_ACCESS_KEY": "s"}
    chain = chain_of(
        isolated,
        """
        [profile ci]
        role_arn = arn:aws:iam::2:role/ci
        credential_source = Environment
        """,
        "ci",
        environ=environ,
    )
    assert chain.source.origin == "environment"
    assert chain.source.credentials.access_key_id == "AKIAENVIRONMENTKEY01"


@pytest.mark.parametrize(
    ("config", "name", "message"),
    [
        ("[profile dev]\nregion = x\n", "deb", "profile 'deb' is not in"),
        ("[profile dev]\nregion = x\n", "dve", "did you mean 'dev'?"),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
            "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
            "a",
            "source_profile cycle: a -> b -> a",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = gone\n",
            "a",
            "has source_profile = gone, which is not in",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\n",
            "a",
            "has role_arn but no source_profile",
        ),
        ("[profile a]\nregion = x\n", "a", "profile a has no credentials"),
        (
            "[profile a]\nweb_identity_token_file = /t\n",
            "a",
            "web_identity_token_file but no role_arn",
        ),
        ("[profile a]\naws_access_key_id = AKIA1\n", "a", "has no aws_secret_access_key"),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Ec2Metadata\n",
            "a",
            "credential_source = Ec2Metadata is not known; use Environment, Ec2InstanceMetadata",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = landing\n"
            "duration_seconds = soon\n",
            "a",
            "duration_seconds must be a whole number",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Environment\n",
            "a",
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
        ),
    ],
)
def test_configuration_errors(isolated: AwsFiles, config: str, name: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        chain_of(isolated, config, name)
    assert message in caught.value.message
    assert caught.value.exit_code == 3


def test_environment_source_refuses_inherited_awsmfa_credentials(isolated: AwsFiles) -> None:
    environ = {"AWS_ACCESS_KEY_ID": "ASIA1", "AWS_SECRET_ACCESS_KEY": "s", "AWSMFA_PROFILE": "dev"}
    with pytest.raises(ConfigError, match="holds awsmfa credentials for dev"):
        chain_of(
            isolated,
            "[profile ci]\nrole_arn = arn:aws:iam::2:role/ci\ncredential_source = Environment\n",
            "ci",
            environ=environ,
        )


def test_malformed_file_names_the_line_its_redacted_text_and_the_reason(
    isolated: AwsFiles,
) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    isolated.config.write_text(f"[profile a]\nregion = x\naws_secret_access_key {secret}\n")
    isolated.credentials.write_text("")
    found = Files(isolated.config, isolated.credentials)
    with pytest.raises(ConfigError) as caught:
        load_profiles(found)
    assert caught.value.message == (
        f"{isolated.config} is malformed: line 3 (aws_secret_access_key ****): not a [section] "
        "header, a `key = value` line or a comment; fix or move the file"
    )


def test_non_utf8_file_is_a_configuration_error(isolated: AwsFiles) -> None:
    isolated.config.write_bytes(b"[profile a]\nregion = \xff\xfe\n")
    found = Files(isolated.config, isolated.credentials)
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_profiles(found)


def test_missing_files_mean_no_profiles(isolated: AwsFiles) -> None:
    assert load_profiles(Files(isolated.config, isolated.credentials)) == {}


def _roles(count: int) -> str:
    """r0 -> r1 -> ... -> r{count-1} -> landing: `count` role hops."""
    return "".join(
        f"[profile r{i}]\nrole_arn = arn:aws:iam::1:role/r{i}\n"
        f"source_profile = {'landing' if i == count - 1 else f'r{i + 1}'}\n"
        for i in range(count)
    )


def test_the_longest_chain_allowed_resolves_and_one_more_is_refused(isolated: AwsFiles) -> None:
    assert len(chain_of(isolated, _roles(MAX_HOPS), "r0").hops) == MAX_HOPS
    with pytest.raises(ConfigError, match=f"longer than {MAX_HOPS} roles"):
        chain_of(isolated, _roles(MAX_HOPS + 1), "r0")


def test_a_nul_byte_in_a_nested_setting_is_refused(isolated: AwsFiles) -> None:
    config = "[profile dev]\nregion = eu-west-1\ns3 =\n  addressing_style = pa\0th\n"
    with pytest.raises(ConfigError, match=r"NUL byte in profile 'dev' \(s3\.addressing_style\)"):
        chain_of(isolated, config, "dev")
