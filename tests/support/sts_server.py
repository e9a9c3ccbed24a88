"""A moto STS server of tests.support (strict_sts, picky_sts) started on loopback, the
`Moto` client of the strict double's test endpoints (/_awsmfa/...), and `session_token`:
temporary credentials that server issues, for the roots (SSO, `aws login`) whose own
service hands out STS sessions."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.support.aws_files import ACCOUNT, LANDING_KEY_ID, LANDING_SECRET
from tests.support.commands import ROOT

if TYPE_CHECKING:
    from mypy_boto3_sts.type_defs import CredentialsTypeDef


@dataclass
class Moto:
    url: str

    def calls(self) -> list[str]:
        with urllib.request.urlopen(f"{self.url}/_awsmfa/calls", timeout=10) as answer:
            calls: list[str] = json.load(answer)
        return calls

    def signers(self, service: str) -> set[str]:
        """The access key ids that signed requests to `service` (`s3`, `sts`)."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/signers", timeout=10) as answer:
            signed: list[list[str]] = json.load(answer)
        return {key for name, key in signed if name == service}

    def signed(self, service: str) -> list[str]:
        """The access key ids that signed requests to `service`, in the order they came."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/signers", timeout=10) as answer:
            signed: list[list[str]] = json.load(answer)
        return [key for name, key in signed if name == service]

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/_awsmfa/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def role(self, name: str, *, max_session: int = 43200, requires_mfa: bool = False) -> None:
        """Set the rules of role NAME in the strict double (until the next reset)."""
        rule = {"arn": f"arn:aws:iam::{ACCOUNT}:role/{name}", "max_session": max_session}
        body = json.dumps({**rule, "requires_mfa": requires_mfa}).encode()
        request = urllib.request.Request(f"{self.url}/_awsmfa/role", data=body, method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def refusals(self) -> list[str]:
        """`Action: Code: message` for every call the strict double refused."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/refusals", timeout=10) as answer:
            refusals: list[str] = json.load(answer)
        return refusals

    def assumed(self) -> list[dict[str, str]]:
        """Every AssumeRole and AssumeRoleWithWebIdentity the strict double was asked for:
        the form's fields, and `Signer` (the access key id that signed it)."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/assumed", timeout=10) as answer:
            assumed: list[dict[str, str]] = json.load(answer)
        return assumed

    def issued(self) -> dict[str, bool]:
        """Every access key id the strict double handed out, and whether it carries MFA."""
        with urllib.request.urlopen(f"{self.url}/_awsmfa/issued", timeout=10) as answer:
            issued: dict[str, bool] = json.load(answer)
        return issued


def session_token(sts_url: str) -> CredentialsTypeDef:
    """A GetSessionToken answer (valid 1 h, no MFA) for the landing keys from the STS at
    `sts_url`: temporary credentials the strict double knows it handed out."""
    import boto3

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=sts_url,
        aws_access_key_id=LANDING_KEY_ID,
        aws_secret_access_key=LANDING_SECRET,
    )
    return sts.get_session_token(DurationSeconds=3600)["Credentials"]


@contextmanager
def serving(module: str) -> Iterator[Moto]:
    """A moto server started with `python -m module`, on loopback, stopped afterwards.

    The servers of tests.support (strict_sts, picky_sts) answer the `Moto` helpers."""
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("PORT "), f"moto server did not start: {line!r}"
    try:
        yield Moto(f"http://127.0.0.1:{int(line.split()[1])}")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
