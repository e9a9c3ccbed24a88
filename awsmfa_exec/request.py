"""What is asked for and what comes back: a `Request` (profile, code, options), the code the
user gave up front and who gives the codes (`given_code`, `asker_for`), and the `Obtained`
credentials with the child's region. On the cached path: no import beyond `options`.
"""

from __future__ import annotations

from awsmfa_exec.options import Options, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from awsmfa_exec.credentials import Credentials
    from awsmfa_exec.mfa import Asker, Given


class Request(Value):
    __slots__ = ("options", "profile", "token_code")
    _shown = ("profile", "options")  # never the code

    def __init__(
        self, profile: str, token_code: str | None = None, options: Options | None = None
    ) -> None:
        self.profile, self.token_code = profile, token_code
        self.options = Options() if options is None else options


class Obtained(Value):
    __slots__ = ("credentials", "profile", "region", "via")

    def __init__(
        self, profile: str, credentials: Credentials, region: str | None, via: str = "direct"
    ) -> None:
        self.profile, self.credentials, self.region = profile, credentials, region
        self.via = via  # "inherited" (from a parent awsmfa), "agent" or "direct" (STS here)


def make_request(
    profile: str, token_code: str | None, duration: str | None, region: str | None, no_session: bool
) -> Request:
    """A request from the credential options as the command line gives them."""
    if duration is not None:
        from awsmfa_exec.duration import parse_duration
    options = Options(
        duration=parse_duration(duration) if duration is not None else None,
        region=region or None,
        no_session=no_session,
    )
    return Request(profile=profile, token_code=token_code, options=options)


def given_code(request: Request, environ: Mapping[str, str]) -> Given | None:
    """The code of --token-code, else of AWSMFA_TOKEN_CODE, checked to be 6 digits."""
    from awsmfa_exec.mfa import Given, check_code

    code, origin = request.token_code, "--token-code"
    if code is None and environ.get("AWSMFA_TOKEN_CODE"):
        code, origin = environ["AWSMFA_TOKEN_CODE"], "AWSMFA_TOKEN_CODE"
    return None if code is None else Given(check_code(code, origin), origin)


def asker_for(request: Request, environ: Mapping[str, str]) -> Asker:
    """Who gives the MFA codes of a run: the code given up front, else the caller's own
    prompt driver."""
    given = given_code(request, environ)
    if given is not None:
        return given
    from awsmfa_exec.mfa import Prompting

    return Prompting(environ)
