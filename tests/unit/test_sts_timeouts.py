"""How long an STS attempt waits: the defaults, or AWSMFA_STS_TIMEOUT, carried by the
Endpoint into the botocore client."""

from __future__ import annotations

import pytest

from awsmfa_exec import sts
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import UsageError


def test_defaults_without_the_variable() -> None:
    endpoint = sts.Endpoint.from_environ({}, None, "eu-west-1")
    assert endpoint.timeouts == sts.Timeouts(sts.CONNECT_TIMEOUT, sts.READ_TIMEOUT)


def test_the_variable_sets_both_waits() -> None:
    endpoint = sts.Endpoint.from_environ({"AWSMFA_STS_TIMEOUT": " 0.5 "}, None, None)
    assert endpoint.timeouts == sts.Timeouts(0.5, 0.5)


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "inf", "nan", "1e999"])
def test_a_wait_that_is_not_a_positive_number_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError, match="AWSMFA_STS_TIMEOUT must be a positive number"):
        sts.Timeouts.from_environ({"AWSMFA_STS_TIMEOUT": raw})


def test_the_client_waits_as_the_endpoint_says() -> None:
    endpoint = sts.Endpoint("eu-west-1", timeouts=sts.Timeouts(0.25, 0.75))
    client = sts.client(endpoint, Credentials("AKIAEXAMPLE", "secret"))
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (0.25, 0.75)
