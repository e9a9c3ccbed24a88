"""A stand-in for the EC2 instance metadata service on 127.0.0.1 (IMDSv2), for a profile's
`credential_source = Ec2InstanceMetadata`: the token, the instance role's name, and its
credentials, a session moto hands out for the landing keys (so the strict STS double knows
them as temporary). Point botocore at it with AWS_EC2_METADATA_SERVICE_ENDPOINT."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.support.loopback import JsonHandler, serving
from tests.support.sts_server import session_token

ROLE = "instance-role"
TOKEN = "imds-token-for-tests"
CREDENTIALS = "/latest/meta-data/iam/security-credentials/"


@dataclass
class Imds:
    url: str
    sts_url: str
    handed_out: list[str] = field(default_factory=list)  # access key ids, in order


def _handler(imds: Imds) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def text(self, status: int, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self) -> None:
            self.text(200, TOKEN) if self.path == "/latest/api/token" else self.text(404, "")

        def do_GET(self) -> None:
            if self.headers.get("x-aws-ec2-metadata-token") != TOKEN:
                self.text(401, "")
            elif self.path == CREDENTIALS:
                self.text(200, ROLE)
            elif self.path == CREDENTIALS + ROLE:
                got = session_token(imds.sts_url)
                imds.handed_out.append(got["AccessKeyId"])
                answer = {
                    "Code": "Success",
                    "AccessKeyId": got["AccessKeyId"],
                    "SecretAccessKey": got["SecretAccessKey"],
                    "Token": got["SessionToken"],
                    "Expiration": got["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                self.text(200, json.dumps(answer))
            else:
                self.text(404, "")

    return Handler


@contextmanager
def imds(sts_url: str) -> Iterator[Imds]:
    served = Imds("", sts_url)
    with serving(_handler(served)) as url:
        served.url = url
        yield served
