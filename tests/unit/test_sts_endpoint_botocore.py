"""awsmfa's STS endpoint is the one botocore's own client picks for the same files and
environment, for the profile being used: [default]'s settings steer no other profile, and
this process's os.environ (an agent's is not its client's) steers none."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsmfa_exec import sts
from awsmfa_exec.credentials import Credentials

KEYS = Credentials("AKIAEXAMPLEEXAMPLE00", "secret")
LOCAL = "http://127.0.0.1:9"  # nothing is called: URLs are compared only

# setting -> (the dev profile's lines, the environment, the region)
ROWS: dict[str, tuple[str, dict[str, str], str]] = {
    "nothing set": ("", {}, "eu-west-1"),
    "AWS_ENDPOINT_URL_STS": ("", {"AWS_ENDPOINT_URL_STS": f"{LOCAL}/sts"}, "eu-west-1"),
    "AWS_ENDPOINT_URL": ("", {"AWS_ENDPOINT_URL": f"{LOCAL}/all"}, "eu-west-1"),
    "AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL": (
        "",
        {"AWS_ENDPOINT_URL": f"{LOCAL}/all", "AWS_ENDPOINT_URL_STS": f"{LOCAL}/sts"},
        "eu-west-1",
    ),
    "endpoint_url": (f"endpoint_url = {LOCAL}/profile", {}, "eu-west-1"),
    "services section": ("services = local", {}, "eu-west-1"),
    "services section over endpoint_url": (
        f"services = local\nendpoint_url = {LOCAL}/profile",
        {},
        "eu-west-1",
    ),
    "AWS_ENDPOINT_URL over endpoint_url": (
        f"endpoint_url = {LOCAL}/profile",
        {"AWS_ENDPOINT_URL": f"{LOCAL}/all"},
        "eu-west-1",
    ),
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": (
        f"endpoint_url = {LOCAL}/profile",
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_STS": LOCAL},
        "eu-west-1",
    ),
    "ignore_configured_endpoint_urls": (
        "services = local\nignore_configured_endpoint_urls = true",
        {},
        "eu-west-1",
    ),
    "sts_regional_endpoints = legacy": ("sts_regional_endpoints = legacy", {}, "us-west-2"),
    "sts_regional_endpoints = regional": ("sts_regional_endpoints = regional", {}, "us-east-1"),
    "AWS_STS_REGIONAL_ENDPOINTS=legacy": (
        "",
        {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
        "eu-west-1",
    ),
    "legacy outside the global regions": ("sts_regional_endpoints = legacy", {}, "eu-south-2"),
    "use_fips_endpoint": ("use_fips_endpoint = true", {}, "us-west-2"),
    "AWS_USE_FIPS_ENDPOINT": ("", {"AWS_USE_FIPS_ENDPOINT": "true"}, "us-east-2"),
    "use_dualstack_endpoint": ("use_dualstack_endpoint = true", {}, "eu-west-1"),
    "AWS_USE_DUALSTACK_ENDPOINT": ("", {"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "eu-west-1"),
    "FIPS and dual-stack": (
        "use_fips_endpoint = true\nuse_dualstack_endpoint = true",
        {},
        "us-east-1",
    ),
    "AWS_USE_FIPS_ENDPOINT=false over the profile": (
        "use_fips_endpoint = true",
        {"AWS_USE_FIPS_ENDPOINT": "false"},
        "us-west-2",
    ),
    "aws-cn": ("", {}, "cn-north-1"),
    "aws-us-gov with FIPS": ("use_fips_endpoint = true", {}, "us-gov-west-1"),
    "aws-iso-e": ("", {}, "eu-isoe-west-1"),
    "aws-eusc": ("", {}, "eusc-de-east-1"),
    "[default] endpoint_url, the profile none": ("", {}, "eu-west-1"),
    "[default] endpoint_url, AWS_PROFILE=default": ("", {"AWS_PROFILE": "default"}, "eu-west-1"),
}

DEFAULT = f"""[default]
endpoint_url = {LOCAL}/default
sts_regional_endpoints = legacy
use_fips_endpoint = true
"""
SERVICES = f"[services local]\nsts =\n  endpoint_url = {LOCAL}/services\n"
# What this process's own environment says: an agent's, started by another client.
ELSEWHERE = {
    "AWS_ENDPOINT_URL_STS": f"{LOCAL}/elsewhere",
    "AWS_STS_REGIONAL_ENDPOINTS": "legacy",
    "AWS_USE_DUALSTACK_ENDPOINT": "true",
    "AWS_USE_FIPS_ENDPOINT": "true",
}


def _files(tmp_path: Path, lines: str) -> dict[str, str]:
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text(f"{DEFAULT}[profile dev]\n{lines}\n{SERVICES}")
    credentials.write_text("")
    return {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def _botocore(environ: dict[str, str], region: str, monkeypatch: pytest.MonkeyPatch) -> str:
    import botocore.session

    with monkeypatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        client = botocore.session.Session(profile="dev").create_client(
            "sts",
            region_name=region,
            aws_access_key_id=KEYS.access_key_id,
            aws_secret_access_key=KEYS.secret_access_key,
        )
        return str(client.meta.endpoint_url)


def _awsmfa(environ: dict[str, str], region: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        for name, value in ELSEWHERE.items():
            patch.setenv(name, value)
        endpoint = sts.Endpoint.from_environ(environ, "dev", region)
        return str(sts.client(endpoint, KEYS).meta.endpoint_url)


@pytest.mark.parametrize("setting", list(ROWS))
def test_the_endpoint_is_botocores_for_the_profile(
    setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines, variables, region = ROWS[setting]
    for name in ELSEWHERE:
        monkeypatch.delenv(name, raising=False)
    environ = {**_files(tmp_path, lines), **variables}
    theirs = _botocore(environ, region, monkeypatch)
    ours = _awsmfa(environ, region, monkeypatch)
    print(f"| {setting} | {theirs} | {ours} |")
    assert ours == theirs, f"{setting}: botocore {theirs}, awsmfa {ours}"
    assert "/default" not in ours
    assert "/elsewhere" not in ours


def test_a_profile_only_in_the_credentials_file_gets_no_settings_of_default(
    tmp_path: Path,
) -> None:
    environ = _files(tmp_path, "")
    Path(environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text("[keys]\naws_access_key_id = A\n")
    endpoint = sts.Endpoint.from_environ(environ, "keys", "us-west-2")
    assert sts.client(endpoint, KEYS).meta.endpoint_url == "https://sts.us-west-2.amazonaws.com"
    missing = sts.Endpoint.from_environ(environ, "nowhere", "us-west-2")
    assert sts.client(missing, KEYS).meta.endpoint_url == "https://sts.us-west-2.amazonaws.com"


def test_an_edited_config_file_is_read_again(tmp_path: Path) -> None:
    environ = _files(tmp_path, "")
    before = sts.Endpoint.from_environ(environ, "dev", "eu-west-1")
    config = Path(environ["AWS_CONFIG_FILE"])
    config.write_text(f"[profile dev]\nendpoint_url = {LOCAL}/edited\n")
    after = sts.Endpoint.from_environ(environ, "dev", "eu-west-1")
    assert (before.url, after.url) == (None, f"{LOCAL}/edited")
