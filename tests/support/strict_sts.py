"""The counting moto server behind a double that enforces STS's rules, as AWS does.

moto accepts any DurationSeconds from any caller. In front of it this double refuses, with
the error codes and messages of real STS:

- GetSessionToken outside 900..129,600 s, or signed with temporary credentials;
- AssumeRole outside 900..43,200 s; above 1 h when signed with temporary credentials (role
  chaining); above the role's MaxSessionDuration; and, for a role whose trust policy
  requires MFA, signed by a caller without MFA and carrying no code;
- AssumeRoleWithWebIdentity (unsigned, counted all the same) outside 900..43,200 s; what it
  hands out is temporary and carries no MFA;
- AssumeRole with more than 50 Tags or TransitiveTagKeys, a tag key over 128 characters or
  a value over 256, a SourceIdentity that is not 2 to 64 of letters, digits and _+=,.@-,
  more than 10 PolicyArns (moto checks none of these).

Temporary credentials are told from long-term keys by the access key ids the double has
handed out itself (moto gives every GetSessionToken the same one, `AKIAIOSFODNN7EXAMPLE`,
so the tests' long-term keys must use another). Each one is recorded with whether MFA was
part of getting it; a role assumed with such credentials keeps their MFA.

Run as `python -m tests.support.strict_sts`: prints `PORT <n>` once it listens on
127.0.0.1. Besides `/_awsmfa/calls` and `/_awsmfa/reset` (which also forgets roles and
issued keys):

- `POST /_awsmfa/role` with `{"arn", "max_session", "requires_mfa"}` sets a role's rules
  (a role never set allows 12 h and needs no MFA);
- `GET /_awsmfa/refusals` lists `Action: Code: message` for every refusal;
- `GET /_awsmfa/issued` maps each access key id handed out to whether it carries MFA;
- `GET /_awsmfa/assumed` lists every AssumeRole and AssumeRoleWithWebIdentity asked for
  (refused ones too): its form's fields, and `Signer`, the access key id that signed it.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from tests.support import moto_sts
from tests.support.moto_sts import CountingApp, Environ, StartResponse

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
SESSION_RANGE = (900, 129600)
ROLE_RANGE = (900, 43200)
CHAINED_MAX = 3600
ROLE_DEFAULT_MAX = 43200
CHAINING = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
    "role chaining."
)
ROLE_LIMIT = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
SESSION_WITH_SESSION = "Cannot call GetSessionToken with session credentials"
# The STS actions that hand out temporary credentials (IAM's CreateAccessKey hands out a
# long-term key: not one of them).
HANDS_OUT = (
    "GetSessionToken",
    "GetFederationToken",
    "AssumeRole",
    "AssumeRoleWithWebIdentity",
    "AssumeRoleWithSAML",
)
_CALLER = re.compile(r"Credential=([A-Z0-9]+)/")
_ISSUED = re.compile(rb"<AccessKeyId>([A-Z0-9]+)</AccessKeyId>")
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}")
# AssumeRole's list parameters as the query protocol sends them, and STS's limit on each.
_MEMBERS = {
    "tags": (re.compile(r"Tags\.member\.\d+\.Key"), 50),
    "transitiveTagKeys": (re.compile(r"TransitiveTagKeys\.member\.\d+"), 50),
    "policyArns": (re.compile(r"PolicyArns\.member\.\d+\.arn"), 10),
}


# The STS calls that hand out temporary credentials; other access key ids in an answer
# (IAM CreateAccessKey's) are long-term keys.
ISSUING = frozenset(
    {"GetSessionToken", "GetFederationToken", "AssumeRole", "AssumeRoleWithWebIdentity"}
)


@dataclass(frozen=True)
class Role:
    max_session: int = ROLE_DEFAULT_MAX
    requires_mfa: bool = False


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _invalid(where: str, value: str, bound: str) -> Refused:
    return Refused(
        400,
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must {bound}",
    )


def _session_refusal(form: dict[str, str]) -> Refused | None:
    """What STS refuses in AssumeRole's session tags, source identity and policies."""
    for where, (member, limit) in _MEMBERS.items():
        count = sum(1 for field in form if member.fullmatch(field))
        if count > limit:
            return _invalid(
                where, f"[{count} members]", f"have length less than or equal to {limit}"
            )
    for field, value in form.items():
        kind = field.rsplit(".", 1)[-1] if field.startswith("Tags.member.") else ""
        longest = {"Key": 128, "Value": 256}.get(kind)
        if longest is not None and len(value) > longest:
            where = f"tags.{field.split('.')[2]}.member.{kind.lower()}"
            return _invalid(where, value, f"have length less than or equal to {longest}")
    identity = form.get("SourceIdentity")
    if identity is not None and not _SOURCE_IDENTITY.fullmatch(identity):
        return _invalid(
            "sourceIdentity", identity, "satisfy regular expression pattern: [\\w+=,.@-]*"
        )
    return None


def _out_of_range(seconds: int, low: int, high: int) -> Refused | None:
    if seconds < low:
        bound = f"greater than or equal to {low}"
    elif seconds > high:
        bound = f"less than or equal to {high}"
    else:
        return None
    return Refused(
        400,
        "ValidationError",
        f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to "
        f"satisfy constraint: Member must have value {bound}",
    )


class StrictApp(CountingApp):
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.roles: dict[str, Role] = {}
        self.issued: dict[str, bool] = {}  # access key id handed out -> carries MFA
        self.refusals: list[str] = []
        self.assumed: list[dict[str, str]] = []

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_awsmfa/") and path not in ("/_awsmfa/calls", "/_awsmfa/signers"):
            return self._control(path, environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        action = form.get("Action", "")
        caller = _CALLER.search(environ.get("HTTP_AUTHORIZATION", ""))
        key_id = caller.group(1) if caller else ""
        if action in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            with self.lock:
                self.assumed.append({**form, "Signer": key_id})
        try:
            carries_mfa = self._check(action, form, key_id)
        except Refused as refused:
            return self._refuse(action, refused, start_response)
        return self._forward(environ, start_response, carries_mfa, action in HANDS_OUT)

    def _check(self, action: str, form: dict[str, str], key_id: str) -> bool:
        """Refused when AWS would refuse; else whether the credentials handed out carry MFA."""
        with self.lock:
            temporary = key_id in self.issued
            caller_mfa = self.issued.get(key_id, False)
        with_code = bool(form.get("SerialNumber") and form.get("TokenCode"))
        if action in ("GetSessionToken", "GetFederationToken"):
            refused = _out_of_range(int(form.get("DurationSeconds", 43200)), *SESSION_RANGE)
            if refused:
                raise refused
            if temporary:
                raise Refused(403, "AccessDenied", f"Cannot call {action} with session credentials")
            return with_code
        if action == "AssumeRoleWithWebIdentity":  # unsigned; what it hands out has no MFA
            refused = _out_of_range(int(form.get("DurationSeconds", 3600)), *ROLE_RANGE)
            if refused:
                raise refused
            return False
        if action != "AssumeRole":
            return caller_mfa
        duration = int(form.get("DurationSeconds", 3600))
        refused = _out_of_range(duration, *ROLE_RANGE) or _session_refusal(form)
        if refused:
            raise refused
        arn = form.get("RoleArn", "")
        with self.lock:
            role = self.roles.get(arn, Role())
        if role.requires_mfa and not (caller_mfa or with_code):
            raise Refused(
                403,
                "AccessDenied",
                f"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                f"sts:AssumeRole on resource: {arn}",
            )
        if temporary and duration > CHAINED_MAX:
            raise Refused(400, "ValidationError", CHAINING)
        if duration > role.max_session:
            raise Refused(400, "ValidationError", ROLE_LIMIT)
        return caller_mfa or with_code

    def _forward(
        self, environ: Environ, start_response: StartResponse, carries_mfa: bool, issues: bool
    ) -> Iterable[bytes]:
        answered: list[Any] = []

        def keep(status: str, headers: list[Any], *rest: Any) -> Any:
            answered.append((status, headers, *rest))
            return lambda data: None

        body = b"".join(super().__call__(environ, keep))
        status, headers, *rest = answered[0]
        if issues and status.startswith("200"):
            with self.lock:
                for key_id in _ISSUED.findall(body):
                    self.issued[key_id.decode()] = carries_mfa
        start_response(status, headers, *rest)
        return [body]

    def _refuse(self, action: str, refused: Refused, start_response: StartResponse) -> list[bytes]:
        with self.lock:
            self.calls.append(f"{action} refused")
            self.refusals.append(f"{action}: {refused.code}: {refused.message}")
        kind = "Sender"
        body = (
            f'<ErrorResponse xmlns="{NS}"><Error><Type>{kind}</Type><Code>{refused.code}</Code>'
            f"<Message>{refused.message}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
            "</ErrorResponse>"
        )
        reason = "400 Bad Request" if refused.status == 400 else "403 Forbidden"
        start_response(reason, [("Content-Type", "text/xml")])
        return [body.encode()]

    def _control(
        self, path: str, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        answer: object = None
        with self.lock:
            if path == "/_awsmfa/reset":
                self.calls.clear()
                self.signers.clear()
                self.roles.clear()
                self.issued.clear()
                self.refusals.clear()
                self.assumed.clear()
            elif path == "/_awsmfa/role":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                rule = json.loads(environ["wsgi.input"].read(length))
                self.roles[rule["arn"]] = Role(
                    int(rule.get("max_session", ROLE_DEFAULT_MAX)),
                    bool(rule.get("requires_mfa", False)),
                )
            elif path == "/_awsmfa/refusals":
                answer = list(self.refusals)
            elif path == "/_awsmfa/issued":
                answer = dict(self.issued)
            elif path == "/_awsmfa/assumed":
                answer = list(self.assumed)
            else:
                start_response("404 Not Found", [])
                return [b""]
        if answer is None:
            start_response("204 No Content", [])
            return [b""]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]


if __name__ == "__main__":
    moto_sts.main(StrictApp)
