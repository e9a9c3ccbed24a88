"""No object that holds a secret shows it in repr() or str()."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from awsmfa_exec import sts
from awsmfa_exec.chain import steps as providers
from awsmfa_exec.chain.cache import Use
from awsmfa_exec.config import Chain, Files, resolve
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.mfa import Given, MfaCode
from awsmfa_exec.options import Options
from awsmfa_exec.request import Obtained, Request

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
CODE = "246810"
PROXY_PASSWORD = "proxy-pa55word"

PROFILES = {
    "landing": {
        "aws_access_key_id": KEY_ID,
        "aws_secret_access_key": SECRET,
        "aws_session_token": TOKEN,
        "mfa_serial": "arn:aws:iam::123456789012:mfa/alice",
    },
    "dev": {"role_arn": "arn:aws:iam::123456789012:role/dev", "source_profile": "landing"},
    "deep": {"role_arn": "arn:aws:iam::123456789012:role/deep", "source_profile": "dev"},
}
FILES = Files(Path("/nonexistent/config"), Path("/nonexistent/credentials"))
EXPIRES = datetime(2030, 1, 1, tzinfo=timezone.utc)


def holders() -> list[object]:
    """Every kind of object that carries a secret, a key id or an MFA code."""
    creds = Credentials(KEY_ID, SECRET, TOKEN, EXPIRES)
    endpoint = sts.Endpoint("eu-west-1", proxies={"https": f"http://u:{PROXY_PASSWORD}@h:3128"})
    mfa = MfaCode("arn:aws:iam::123456789012:mfa/alice", "dev", Given(CODE, "--token-code"))
    deep = resolve("deep", PROFILES, FILES, {})
    landing = resolve("landing", PROFILES, FILES, {})
    # Keys-only with long-term keys: temporary ones cannot call GetSessionToken.
    long_term = {
        "landing": {k: v for k, v in PROFILES["landing"].items() if k != "aws_session_token"}
    }
    landing_keys = resolve("landing", long_term, FILES, {})
    env_sourced = resolve(
        "dev",
        {"dev": {"role_arn": "arn:aws:iam::1:role/dev", "credential_source": "Environment"}},
        FILES,
        {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN},
    )
    options = Options(duration=3600)

    def build(chain: Chain, options: Options) -> providers.Provider:
        keys = providers.StaticProvider(chain.source.credentials)
        return providers.build(chain, options, mfa, endpoint, Use(), keys, chain.source.temporary)

    return [
        creds,
        mfa,
        endpoint,
        deep,
        deep.source,
        *deep.hops,
        landing,
        landing.source,
        env_sourced,
        env_sourced.source,
        providers.StaticProvider(creds),
        mfa.asker,
        build(deep, options),
        build(landing_keys, options),
        build(deep, Options(no_session=True)),
        Request("dev", token_code=CODE, options=options),
        Obtained("dev", creds, "eu-west-1"),
    ]


@pytest.mark.parametrize("holder", holders(), ids=lambda h: type(h).__name__)
def test_repr_and_str_hide_every_secret(holder: object) -> None:
    for text in (repr(holder), str(holder), f"{holder}", f"{holder!r}"):
        for secret in (SECRET, TOKEN, KEY_ID, CODE, PROXY_PASSWORD):
            assert secret not in text, f"{type(holder).__name__} shows a secret: {text}"


def test_credentials_repr_still_says_which_key_and_until_when() -> None:
    text = repr(Credentials(KEY_ID, SECRET, TOKEN, EXPIRES))
    assert text == "Credentials(access_key_id='AKIA…MPLE', expires=2030-01-01T00:00:00Z)"


def test_the_nested_providers_carry_the_secret_they_hide() -> None:
    """The redaction is not vacuous: the objects above really hold the values."""
    chain = resolve("deep", PROFILES, FILES, {})
    assert chain.source.credentials.secret_access_key == SECRET
    assert chain.settings["source_profile"] == "dev"
    assert resolve("landing", PROFILES, FILES, {}).settings["aws_secret_access_key"] == SECRET
