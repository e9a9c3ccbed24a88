"""The token cache `aws login` leaves, as botocore's LoginProvider reads it
(`botocore.utils.LoginTokenLoader`, `botocore.credentials.LoginCredentialFetcher`).

One JSON file per login session in `AWS_LOGIN_CACHE_DIRECTORY` (else `~/.aws/login/cache`),
named by the SHA-256 of the session name (the profile's `login_session`), holding the
session's temporary credentials (`accessToken`), what refreshes them (`refreshToken`,
`clientId`) and the DPoP key that signs a refresh (an EC P-256 private key, SEC1 PEM).
"""

from __future__ import annotations

import base64
import hashlib
import json
import textwrap
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.support.aws_files import ACCOUNT

SESSION = f"arn:aws:iam::{ACCOUNT}:user/alice"
CLIENT_ID = "arn:aws:signin:::devtools/same-device"


def dpop_key() -> str:
    """A fresh EC P-256 private key as PEM, made by awscrt (what botocore signs a refresh with)."""
    from awscrt.crypto import EC, ECExportFormat, ECType

    der = EC.new_generate(ECType.P_256).export_key(ECExportFormat.SEC1)
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n"


def cache_file(directory: Path, session: str = SESSION) -> Path:
    name = hashlib.sha256(session.encode()).hexdigest()  # botocore's generate_login_cache_key
    return directory / f"{name}.json"


def write_login_token(
    directory: Path, credentials: Mapping[str, Any], expires: datetime, session: str = SESSION
) -> Path:
    """Leave the token `aws login` would for `session`: `credentials` is a GetSessionToken
    answer (AccessKeyId, SecretAccessKey, SessionToken), valid until `expires`."""
    token = {
        "accessToken": {
            "accessKeyId": credentials["AccessKeyId"],
            "secretAccessKey": credentials["SecretAccessKey"],
            "sessionToken": credentials["SessionToken"],
            "accountId": ACCOUNT,
            "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "refreshToken": "login-refresh-token-for-tests",
        "dpopKey": dpop_key(),
        "clientId": CLIENT_ID,
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = cache_file(directory, session)
    path.write_text(json.dumps(token))
    return path
