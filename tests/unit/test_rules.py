"""The decision table of `chain/plan.plan`, role limits, and codes never sent twice (pure logic)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from awsmfa_exec import log, role_limits
from awsmfa_exec.agent.daemon.get import RemoteAsker
from awsmfa_exec.chain import plan as rules
from awsmfa_exec.config import Chain, Files, resolve
from awsmfa_exec.errors import MfaCodeRejected, RoleLimitExceeded, UsageError
from awsmfa_exec.mfa import Given, MfaCode
from awsmfa_exec.options import Options

SERIAL = "arn:aws:iam::1:mfa/alice"
FILES = Files(Path("/nonexistent/config"), Path("/nonexistent/credentials"))
KEYS = {"aws_access_key_id": "AKIAEXAMPLEKEYID0001", "aws_secret_access_key": "s"}


def role(name: str, source: str, **extra: str) -> dict[str, str]:
    return {"role_arn": f"arn:aws:iam::1:role/{name}", "source_profile": source, **extra}


def chain(name: str, landing: dict[str, str] | None = None, **profiles: dict[str, str]) -> Chain:
    everything: dict[str, dict[str, Any]] = {
        "landing": {**KEYS, "mfa_serial": SERIAL, **(landing or {})},
        "dev": role("dev", "landing"),
        "deep": role("deep", "dev"),
        **profiles,
    }
    return resolve(name, everything, FILES, {})


def plan(chain: Chain, options: Options) -> rules.Steps:
    """The table's row for a chain whose keys are temporary as its source says."""
    return rules.plan(chain, options, chain.source.temporary)


def table(steps: rules.Steps) -> tuple[int | None, bool, list[tuple[str, int, bool]]]:
    """`steps` as (session duration, session with code, [(profile, duration, with code)])."""
    hops = [(h.role.profile, h.duration, h.with_code) for h in steps.hops]
    return steps.session, steps.session_with_code, hops


@pytest.fixture
def lines() -> Iterator[list[str]]:
    with log.captured(True) as captured:
        yield captured


def test_one_role_up_to_an_hour_goes_through_the_mfa_session(lines: list[str]) -> None:
    steps = plan(chain("dev"), Options())
    assert table(steps) == (43200, True, [("dev", 3600, False)])
    assert any("GetSessionToken with MFA for 12h" in line for line in lines)


def test_one_role_above_an_hour_is_assumed_with_the_code_from_the_long_term_keys(
    lines: list[str],
) -> None:
    steps = plan(chain("dev"), Options(duration=4 * 3600))
    assert table(steps) == (None, False, [("dev", 14400, True)])
    assert any("straight from the long-term keys" in line for line in lines)


def test_duration_seconds_of_the_profile_counts_like_d() -> None:
    dev4h = role("dev", "landing", duration_seconds="14400")
    assert table(plan(chain("dev4h", dev4h=dev4h), Options())) == (
        None,
        False,
        [("dev4h", 14400, True)],
    )


def test_two_roles_are_chained_and_capped_with_one_note(lines: list[str]) -> None:
    steps = plan(chain("deep"), Options(duration=4 * 3600))
    assert table(steps) == (43200, True, [("dev", 3600, False), ("deep", 3600, False)])
    notes = [line for line in lines if "limits chained role sessions to 1h" in line]
    assert len(notes) == 1
    assert "not 4h" in notes[0]


def test_keys_without_a_role_get_an_mfa_session_of_the_duration_asked() -> None:
    assert table(plan(chain("landing"), Options(duration=30 * 3600))) == (108000, True, [])
    assert table(plan(chain("landing"), Options())) == (43200, True, [])


def test_no_session_sends_the_code_with_the_first_hop_only() -> None:
    one = plan(chain("dev"), Options(duration=4 * 3600, no_session=True))
    assert table(one) == (None, False, [("dev", 14400, True)])
    two = plan(chain("deep"), Options(duration=2 * 3600, no_session=True))
    assert table(two) == (None, False, [("dev", 3600, True), ("deep", 3600, False)])


def test_no_mfa_serial_assumes_the_role_from_the_keys_without_a_code() -> None:
    plain = resolve("dev", {"landing": KEYS, "dev": role("dev", "landing")}, FILES, {})
    assert table(plan(plain, Options(duration=7200))) == (None, False, [("dev", 7200, False)])


def test_temporary_source_keys_never_call_get_session_token() -> None:
    profiles = {"dev": {"role_arn": "arn:aws:iam::1:role/dev", "credential_source": "Environment"}}
    environ = {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEKEYID0001",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_SESSION_TOKEN": "t",
    }
    env_chain = resolve("dev", {**profiles}, FILES, environ)
    assert table(plan(env_chain, Options(duration=7200))) == (
        None,
        False,
        [("dev", 3600, False)],
    )
    temporary = chain("landing", {"aws_session_token": "t"})
    assert table(plan(temporary, Options())) == (None, False, [])  # used as they are


def test_mfa_session_duration_is_inherited_down_the_chain() -> None:
    steps = plan(chain("deep", {"mfa_session_duration": "7200"}), Options())
    assert steps.session == 7200
    own = chain("dev", dev=role("dev", "landing", mfa_session_duration="3600"))
    assert plan(own, Options()).session == 3600


@pytest.mark.parametrize(
    ("name", "landing", "options", "message"),
    [
        ("dev", None, Options(duration=13 * 3600), r"-d 13h for role profile dev is out of range: "
         r"AssumeRole accepts 15m to 12h \(900 to 43200 seconds\)"),
        ("landing", None, Options(duration=37 * 3600), r"GetSessionToken accepts 15m to 36h"),
        ("dev", {"mfa_session_duration": "200000"}, Options(),
         r"mfa_session_duration = 200000 \(profile dev\) is out of range: GetSessionToken"),
        ("dev", {"mfa_session_duration": "600"}, Options(), r"900 to 129600 seconds"),
    ],
)  # fmt: skip
def test_durations_out_of_range_are_usage_errors_naming_the_range(
    name: str, landing: dict[str, str] | None, options: Options, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        plan(chain(name, landing), options)


def test_duration_seconds_out_of_range_names_the_profile() -> None:
    long = chain("dev", dev=role("dev", "landing", duration_seconds="50000"))
    with pytest.raises(UsageError, match=r"duration_seconds = 50000 of role profile dev"):
        plan(long, Options())


class FakeRole:
    """AssumeRole against a role allowing `limit` seconds: the durations it was asked."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.asked: list[int] = []

    def __call__(self, seconds: int) -> str:
        self.asked.append(seconds)
        if seconds > self.limit:
            raise RoleLimitExceeded("exceeds the MaxSessionDuration set for this role")
        return f"credentials for {seconds}"


@pytest.fixture(autouse=True)
def _forget_limits() -> Iterator[None]:
    role_limits.forget()
    yield
    role_limits.forget()


def test_a_role_limit_is_met_by_the_next_step_down_and_remembered(lines: list[str]) -> None:
    first = FakeRole(3600)
    got = role_limits.within_limit(None, "arn:small", "small", 4 * 3600, first)
    assert (got, first.asked) == ("credentials for 3600", [14400, 7200, 3600])
    notes = [line for line in lines if "allows less than 4h" in line]
    assert len(notes) == 1
    assert "last 1h; ask for that with -d 1h" in notes[0]
    again = FakeRole(3600)
    role_limits.within_limit(None, "arn:small", "small", 2 * 3600, again)
    assert again.asked == [3600]  # learned: no refusal this time
    other = FakeRole(43200)
    role_limits.within_limit("http://elsewhere", "arn:small", "small", 2 * 3600, other)
    assert other.asked == [7200]  # another STS endpoint, another role


def test_the_ladder_from_twelve_hours() -> None:
    fake = FakeRole(3 * 3600)
    role_limits.within_limit(None, "arn:r", "r", 43200, fake)
    assert fake.asked == [43200, 21600, 7200]


def test_a_refusal_at_one_hour_is_an_auth_error() -> None:
    fake = FakeRole(1800)
    with pytest.raises(Exception, match="MaxSessionDuration") as raised:
        role_limits.within_limit(None, "arn:r", "r", 3600, fake)
    assert type(raised.value).__name__ == "AuthError"


def test_a_given_code_is_sent_once_then_a_second_call_asks_for_the_next() -> None:
    mfa = MfaCode(SERIAL, "dev", Given("123456", "--token-code"))
    sent: list[str] = []
    assert mfa.call(lambda code: sent.append(code) or "ok") == "ok"  # type: ignore[func-returns-value]
    with pytest.raises(UsageError, match="needs a second MFA code"):
        mfa.call(sent.append)
    assert sent == ["123456"]


def test_a_code_refused_for_the_role_limit_is_tried_again() -> None:
    mfa = MfaCode(SERIAL, "dev", Given("123456", "--token-code"))
    fake = FakeRole(3600)
    role_limits.within_limit(None, "arn:r", "r", 7200, lambda s: mfa.call(lambda c: fake(s)))
    assert fake.asked == [7200, 3600]


def test_the_agent_asks_its_client_once_per_accepted_code() -> None:
    asked: list[str | None] = []
    answers = iter(["111111", "111111", "222222"])

    def ask(serial: str | None, profile: str, why: str | None) -> str:
        asked.append(why)
        return next(answers)

    code = MfaCode(SERIAL, "dev", RemoteAsker(ask))
    fake = FakeRole(3600)
    role_limits.within_limit(None, "arn:r", "r", 7200, lambda s: code.call(lambda c: fake(s)))
    assert asked == [None]  # the retry for the role's limit reused the code
    # A second call needs a new code: the client's repeat of the used one is asked again.
    assert code.call(lambda c: c) == "222222"
    assert asked == [None, None, "that MFA code was used already and STS accepts each code once"]


def test_the_agent_asks_again_after_a_rejected_code() -> None:
    answers = iter(["111111", "222222"])
    whys: list[str | None] = []

    def ask(serial: str | None, profile: str, why: str | None) -> str:
        whys.append(why)
        return next(answers)

    def sts(code: str) -> str:
        if code == "111111":
            raise MfaCodeRejected("STS rejected the MFA code")
        return code

    assert MfaCode(SERIAL, "dev", RemoteAsker(ask)).call(sts) == "222222"
    assert whys == [None, "STS rejected the MFA code"]


def test_botocore_roots_are_deferred_and_keyed_by_their_settings() -> None:
    """A credential_process or web identity root resolves with no credentials yet; once
    fetched, temporary ones take the direct AssumeRole with the code, long-term ones the
    MFA session."""
    from dataclasses import replace

    from awsmfa_exec.credentials import Credentials

    process = {"credential_process": "op read x", "mfa_serial": SERIAL}
    web = {"role_arn": "arn:aws:iam::1:role/ci", "web_identity_token_file": "/t"}
    for root, kind in ((process, "process"), (web, "web-identity")):
        hop = chain("hop", root=root, hop=role("hop", "root", mfa_serial=SERIAL))
        assert (hop.source.origin, hop.source.deferred) == (kind, True)
        assert ("web_identity_token_file", "/t") in hop.source.settings or kind == "process"
        assert [h.profile for h in hop.hops] == ["hop"]  # the root's own role_arn is no hop
        temporary = Credentials("ASIA0000EXAMPLE00001", "s", "t")
        settled = replace(hop, source=replace(hop.source, credentials=temporary))
        assert not settled.source.deferred
        assert table(plan(settled, Options())) == (None, False, [("hop", 3600, True)])
        long_term = replace(hop, source=replace(hop.source, credentials=Credentials("AKIA1", "s")))
        assert table(plan(long_term, Options()))[:2] == (43200, True)
    alone = chain("root", root=web)
    settled = replace(alone, source=replace(alone.source, credentials=Credentials("A", "s", "t")))
    assert table(plan(settled, Options())) == (None, False, [])  # as they are, as the SDKs
