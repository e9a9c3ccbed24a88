"""`remember_mfa_session` wraps a copy of the chain: the chain it is given is unchanged."""

from __future__ import annotations

from awsmfa_exec import sts
from awsmfa_exec.config import load_chain
from awsmfa_exec.endpoint.refresh import RememberedProvider, remember_mfa_session
from awsmfa_exec.mfa import MfaCode
from awsmfa_exec.options import Options
from awsmfa_exec.providers import AssumeRoleProvider, SessionTokenProvider, build
from tests.support.aws_files import CODE, SERIAL, AwsFiles
from tests.support.fake_sts import FakeSts


def chain_of(profile: str, options: Options) -> AssumeRoleProvider:
    chain = load_chain(profile, {})
    mfa = MfaCode(SERIAL, given=CODE, profile=profile)
    top = build(chain, options, mfa, sts.Endpoint("eu-west-1"))
    assert isinstance(top, AssumeRoleProvider)
    return top


def test_the_session_below_the_role_is_wrapped_in_a_copy(
    aws_files: AwsFiles, fake_sts: FakeSts
) -> None:
    top = chain_of("dev", Options())
    original_source = top.source
    copy, remembered = remember_mfa_session(top)
    assert top.source is original_source  # not mutated
    assert isinstance(copy, AssumeRoleProvider)
    assert isinstance(remembered, RememberedProvider)
    assert copy.source is remembered
    assert isinstance(remembered.inner, SessionTokenProvider)
    copy.retrieve()
    copy.retrieve()
    assert fake_sts.actions() == ["GetSessionToken", "AssumeRole", "AssumeRole"]


def test_a_chain_whose_top_carries_the_code_has_nothing_to_remember(
    aws_files: AwsFiles, fake_sts: FakeSts
) -> None:
    top = chain_of("dev", Options(no_session=True))
    assert remember_mfa_session(top) == (top, None)
