"""`awsmfa rotate PROFILE`: a new access key for the keyring, the old one deleted.

Create the new key (signed with the MFA session), wait until it works, write it to the
keyring and read it back, then delete the old one: a failure or Ctrl-C before the delete
puts the old key back and deletes the new one, after it the new one stays; either way one
working key is live and in the keyring, named masked (`AKIA…MPLE`).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from awsmfa_exec import config, keystore, log
from awsmfa_exec.commands.keys import forget_in_agent
from awsmfa_exec.credentials import Credentials, mask_key_id
from awsmfa_exec.errors import AuthError, AwsmfaError, Cancelled, ConfigError

CHECK_ATTEMPTS = 10
CHECK_PAUSE = 2.0


class Account(Protocol):
    """What a rotation needs of AWS and of the keyring."""

    def identity(self, keys: Credentials) -> str: ...
    def create(self, user: str) -> Credentials: ...
    def delete(self, user: str, key_id: str) -> None: ...
    def store(self, keys: Credentials) -> None: ...
    def held(self) -> Credentials | None: ...


def user_name(arn: str) -> str:
    """The IAM user of an `arn:aws:iam::<account>:user/<path/>name` identity."""
    resource = arn.split(":", 5)[-1]
    if not resource.startswith("user/"):
        raise ConfigError(f"these keys belong to {arn}, not to an IAM user; rotate them in IAM")
    return resource.rsplit("/", 1)[-1]


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C waits for the end of the block, then interrupts (unless the block raised)."""
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _working(account: Account, keys: Credentials, arn: str, pause: float) -> None:
    for attempt in range(CHECK_ATTEMPTS):
        try:
            seen = account.identity(keys)
            break
        except AuthError:
            if attempt == CHECK_ATTEMPTS - 1:
                raise
            log.debug("the new key does not work yet; IAM is still spreading it")
            time.sleep(pause)
    if seen != arn:
        raise AuthError(f"the new key belongs to {seen}, not {arn}")


def _undone(
    account: Account, user: str, old: Credentials, new: Credentials | None, why: BaseException
) -> AwsmfaError:
    """Back to the start after `why`: the old key in the keyring, the new one deleted; the
    error that says so."""
    kind, said = (type(why), why.message) if isinstance(why, AwsmfaError) else (Cancelled, "")
    said = said or "interrupted"
    old_id = mask_key_id(old.access_key_id)
    if new is None:
        return kind(f"{said}; the live key is still {old_id}, in the keyring")
    new_id, listing = mask_key_id(new.access_key_id), f"aws iam list-access-keys --user-name {user}"
    try:
        if account.held() != old:
            account.store(old)
    except AwsmfaError as lost:
        return kind(
            f"{said}; the old key {old_id} could not be put back into the keyring "
            f"({lost.message}), so the new key {new_id} is kept: both are live (`{listing}`)"
        )
    try:
        account.delete(user, new.access_key_id)
    except AwsmfaError as undo:
        return kind(
            f"{said}; the live key is still {old_id}, in the keyring; the new key {new_id} "
            f"could not be deleted ({undo.message}): delete it in IAM (`{listing}` lists it)"
        )
    return kind(f"{said}; the new key was deleted, the live key is still {old_id}, in the keyring")


def rotate(account: Account, old: Credentials, pause: float = CHECK_PAUSE) -> Credentials:
    """Replace `old` by a new key of the same user; returns the new, live key."""
    arn = account.identity(old)
    user = user_name(arn)
    new = None
    try:
        with _ctrl_c_held():
            new = account.create(user)
        _working(account, new, arn, pause)
        account.store(new)
    except (AwsmfaError, KeyboardInterrupt) as exc:
        with _ctrl_c_held():
            raise _undone(account, user, old, new, exc) from None
    try:
        with _ctrl_c_held():
            account.delete(user, old.access_key_id)
    except AwsmfaError as exc:
        raise type(exc)(
            f"the new key {mask_key_id(new.access_key_id)} is live and in the keyring, but the "
            f"old key {mask_key_id(old.access_key_id)} is not deleted ({exc.message}): delete "
            f"it in IAM (`aws iam list-access-keys --user-name {user}` lists it)"
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
        endpoint = sts.Endpoint.from_environ(self.environ, self.profile, region)
        return sts.caller_identity(endpoint, keys, whose=self.profile).arn

    def create(self, user: str) -> Credentials:
        from awsmfa_exec import sts

        endpoint = sts.iam_endpoint(self.environ, self.profile)
        return sts.create_access_key(endpoint, self.signer, user)

    def delete(self, user: str, key_id: str) -> None:
        from awsmfa_exec import sts

        endpoint = sts.iam_endpoint(self.environ, self.profile)
        sts.delete_access_key(endpoint, self.signer, user, key_id)

    def store(self, keys: Credentials) -> None:
        keystore.write(self.profile, keys)
        if self.held() != keys:
            raise ConfigError(f"the keyring did not keep the key of {self.profile}")

    def held(self) -> Credentials | None:
        return keystore.read(self.profile)


def run_rotate(profile: str, token_code: str | None, environ: Mapping[str, str]) -> None:
    from awsmfa_exec.obtain import obtain
    from awsmfa_exec.request import make_request

    files = config.Files.from_environ(environ)
    profiles = config.load_profiles(files)
    if profile not in profiles:
        raise config.unknown_profile(profile, profiles, files)
    values = profiles[profile]
    if not config.in_keyring(values) or values.get("role_arn"):
        raise ConfigError(
            f"profile {profile} does not keep long-term keys in the keyring; "
            f"rotate the profile that does (`awsmfa import {profile}` moves file keys there)"
        )
    old = config.keyring_keys(profile)
    chain = config.resolve(profile, profiles, files, environ, keys_from=lambda _: old)
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
        f"{profile}: old key {mask_key_id(old.access_key_id)} deleted; new key "
        f"{mask_key_id(new.access_key_id)} is live and in the keyring"
    )
