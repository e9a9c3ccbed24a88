"""The AWS files every layer's tests start from: a landing profile with long-term keys and
an MFA serial, and role profiles (one chained) on top of it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

CODE = "123456"
ACCOUNT = "123456789012"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
# Not moto's AKIAIOSFODNN7EXAMPLE: moto hands that out for every GetSessionToken, and the
# strict double tells temporary keys from long-term ones by the key ids it handed out.
LANDING_KEY_ID = "AKIALANDING00EXAMPLE"
LANDING_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

SEED_CONFIG = f"""\
[profile landing]
region = eu-west-1
mfa_serial = {SERIAL}

[profile dev]
role_arn = arn:aws:iam::{ACCOUNT}:role/dev
source_profile = landing
region = eu-central-1

[profile prod]
role_arn = arn:aws:iam::{ACCOUNT}:role/prod
source_profile = landing
region = us-east-2

[profile deep]
role_arn = arn:aws:iam::{ACCOUNT}:role/deep
source_profile = dev
region = eu-central-1
"""
SEED_CREDENTIALS = f"""\
[landing]
aws_access_key_id = {LANDING_KEY_ID}
aws_secret_access_key = {LANDING_SECRET}
"""


def role_arn_of(profile: str, session: str = "awsmfa-") -> str:
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/{profile}/{session}"


@dataclass
class AwsFiles:
    config: Path
    credentials: Path

    def write(self, config: str = SEED_CONFIG, credentials: str = SEED_CREDENTIALS) -> None:
        self.config.write_text(textwrap.dedent(config))
        self.credentials.write_text(textwrap.dedent(credentials))
