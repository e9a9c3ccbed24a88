"""One botocore client factory for STS and IAM: from one environment, both clients get the
same endpoint, CA bundle, proxies and timeouts; to loopback, neither uses a proxy."""

from __future__ import annotations

from typing import Any

import pytest

from awsmfa_exec import sts
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.proxies import loopback

KEYS = Credentials("AKIAEXAMPLEEXAMPLE00", "secret")
PROXY = "http://user:pw@proxy.example.test:3128"
ENVIRON = {
    "AWS_ENDPOINT_URL": "https://aws.example.test:8443",
    "AWS_CA_BUNDLE": "/etc/ssl/private-ca.pem",
    "HTTPS_PROXY": PROXY,
    "http_proxy": PROXY,
    "AWSMFA_STS_TIMEOUT": "0.5",
}


def _both(environ: dict[str, str]) -> list[Any]:
    return [
        sts.client(sts.Endpoint.from_environ(environ, None, "eu-west-1"), KEYS),
        sts.client(sts.iam_endpoint(environ, None), KEYS),
    ]


def _made(client: Any) -> tuple[object, ...]:
    config = client.meta.config
    verify = client._endpoint.http_session._verify
    return (
        client.meta.endpoint_url,
        verify,
        config.proxies,
        config.connect_timeout,
        config.read_timeout,
    )


def test_sts_and_iam_are_reached_alike() -> None:
    made = [_made(client) for client in _both(ENVIRON)]
    assert (
        made
        == [
            (
                "https://aws.example.test:8443",
                "/etc/ssl/private-ca.pem",
                {"http": PROXY, "https": PROXY},
                0.5,
                0.5,
            )
        ]
        * 2
    )
    assert [c.meta.service_model.service_name for c in _both(ENVIRON)] == ["sts", "iam"]


def test_each_service_has_its_own_endpoint_variable() -> None:
    environ = {
        "AWS_ENDPOINT_URL_STS": "https://sts.test",
        "AWS_ENDPOINT_URL_IAM": "https://iam.test",
    }
    assert [c.meta.endpoint_url for c in _both(environ)] == ["https://sts.test", "https://iam.test"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:1", "http://[::1]:80"])
def test_neither_uses_a_proxy_to_loopback(url: str) -> None:
    environ = {**ENVIRON, "AWS_ENDPOINT_URL": url}
    assert [c.meta.config.proxies for c in _both(environ)] == [{}, {}]  # not None: not botocore's


@pytest.mark.parametrize(
    ("url", "is_loopback"),
    [
        ("http://127.0.0.1:8080/x", True),
        ("http://127.1.2.3/", True),
        ("http://localhost/", True),
        ("http://[::1]:9/", True),
        ("http://10.0.0.1/", False),
        ("https://sts.amazonaws.com", False),
        ("http://127.0.0.1.example.test/", False),
        ("not a url", False),
    ],
)
def test_loopback_is_this_machine_only(url: str, is_loopback: bool) -> None:
    assert loopback(url) is is_loopback
