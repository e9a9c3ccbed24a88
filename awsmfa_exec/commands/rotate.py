"""`awsmfa rotate PROFILE`: a new access key for the keyring, the old one deleted.

The steps, in the order that always leaves one working key that awsmfa can name:
1. CreateAccessKey for the keys' IAM user, signed with the MFA session;
2. GetCallerIdentity with the new key, until it works (IAM takes seconds to spread it);
3. the new key into the keyring, read back;
4. DeleteAccessKey of the old key.
A failure in 2 or 3 deletes the new key again: the old one stays live and in the keyring.
A failure in 4 leaves the new key live and in the keyring, and names the old one to delete.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from awsmfa_exec import keystore, log
from awsmfa_exec.commands.keys import forget_in_agent
from awsmfa_exec.config import (
    Files,
    in_keyring,
    keyring_keys,
    load_profiles,
    resolve,
    unknown_profile,
)
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import AuthError, AwsmfaError, ConfigError

CHECK_ATTEMPTS = 10
CHECK_PAUSE = 2.0


class Account(Protocol):
    """What a rotation needs of AWS and of the keyring."""

    def identity(self, keys: Credentials) -> str: ...
    def create(self, user: str) -> Credentials: ...
    def delete(self, user: str, key_id: str) -> None: ...
    def store(self, keys: Credentials) -> None: ...


def user_name(arn: str) -> str:
    """The IAM user of an `arn:aws:iam::<account>:user/<path/>name` identity."""
    resource = arn.split(":", 5)[-1]
    if not resource.startswith("user/"):
        raise ConfigError(f"these keys belong to {arn}, not to an IAM user; rotate them in IAM")
    return resource.rsplit("/", 1)[-1]


def _again(exc: AwsmfaError, message: str) -> AwsmfaError:
    return type(exc)(message)


def _working(account: Account, keys: Credentials, arn: str, pause: float) -> None:
    for attempt in range(CHECK_ATTEMPTS):
        try:
            seen = account.identity(keys)
        except AuthError:
            if attempt == CHECK_ATTEMPTS - 1:
                raise
            log.debug("the new key does not work yet; IAM is still spreading it")
            time.sleep(pause)
            continue
        if seen != arn:
            raise AuthError(f"the new key belongs to {seen}, not {arn}")
        return


def rotate(account: Account, old: Credentials, pause: float = CHECK_PAUSE) -> Credentials:
    """Replace `old` by a new key of the same user; returns the new, live key."""
    old_id = old.access_key_id
    arn = account.identity(old)
    user = user_name(arn)
    try:
        new = account.create(user)
    except AwsmfaError as exc:
        raise _again(
            exc, f"{exc.message}; the live key is still {old_id}, in the keyring"
        ) from None
    try:
        _working(account, new, arn, pause)
        account.store(new)
    except AwsmfaError as exc:
        try:
            account.delete(user, new.access_key_id)
        except AwsmfaError as undo:
            raise _again(
                exc,
                f"{exc.message}; the live key is still {old_id}, in the keyring; the new key "
                f"{new.access_key_id} could not be deleted ({undo.message}): delete it with "
                f"`aws iam delete-access-key --user-name {user} --access-key-id "
                f"{new.access_key_id}`",
            ) from None
        raise _again(
            exc, f"{exc.message}; the new key was deleted, the live key is still {old_id}"
        ) from None
    try:
        account.delete(user, old_id)
    except AwsmfaError as exc:
        raise _again(
            exc,
            f"the new key {new.access_key_id} is live and in the keyring, but the old key "
            f"{old_id} is not deleted ({exc.message}): delete it with `aws iam "
            f"delete-access-key --user-name {user} --access-key-id {old_id}`",
        ) from None
    return new


@dataclass
class AwsAccount:
    """The real thing: STS for identities, IAM signed with `signer`, the OS keyring."""

    profile: str
    environ: Mapping[str, str]
    settings: Mapping[str, object]
    signer: Credentials

    def identity(self, keys: Credentials) -> str:
        from awsmfa_exec import sts

        region = str(self.settings.get("region") or "") or None
        endpoint = sts.Endpoint.from_environ(self.environ, self.settings, region)
        return sts.caller_identity(endpoint, keys, whose=self.profile).arn

    def create(self, user: str) -> Credentials:
        from awsmfa_exec.iam import Iam

        return Iam(self.environ, self.settings, self.signer).create_access_key(user)

    def delete(self, user: str, key_id: str) -> None:
        from awsmfa_exec.iam import Iam

        Iam(self.environ, self.settings, self.signer).delete_access_key(user, key_id)

    def store(self, keys: Credentials) -> None:
        keystore.write(self.profile, keys)
        if keystore.read(self.profile) != keys:
            raise ConfigError(f"the keyring did not keep the new key of {self.profile}")


def run_rotate(profile: str, token_code: str | None, environ: Mapping[str, str]) -> None:
    from awsmfa_exec.obtain import obtain
    from awsmfa_exec.request import make_request

    files = Files.from_environ(environ)
    profiles = load_profiles(files)
    if profile not in profiles:
        raise unknown_profile(profile, profiles, files)
    values = profiles[profile]
    if not in_keyring(values) or values.get("role_arn"):
        raise ConfigError(
            f"profile {profile} does not keep long-term keys in the keyring; "
            f"rotate the profile that does (`awsmfa import {profile}` moves file keys there)"
        )
    old = keyring_keys(profile)
    chain = resolve(profile, profiles, files, environ, keys_from=lambda _: old)
    if chain.mfa_serial:
        request = make_request(profile, token_code, None, None, no_session=False)
        signer = obtain(request, environ).credentials
    else:
        log.note(f"{profile} has no mfa_serial: IAM is called with the long-term key itself")
        signer = old
    try:
        new = rotate(AwsAccount(profile, environ, values, signer), old)
    finally:
        forget_in_agent(environ, profile)
    log.note(
        f"{profile}: old key {old.access_key_id} deleted; new key {new.access_key_id} "
        "is live and in the keyring"
    )
