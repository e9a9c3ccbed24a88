"""Credentials at a chain's root that botocore's own providers resolve, built and run as the
AWS CLI would for the root profile: `credential_process`, web identity, IAM Identity Center,
`aws login`, `credential_source = Ec2InstanceMetadata | EcsContainer`. Fetched where the
user's environment and terminal are (the direct path, or the client answering `need_root`):
a credential_process such as `op` needs the user's own sockets, variables and prompts.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import Any

from awsmfa_exec import log
from awsmfa_exec.agent import ROOT_PROCESS
from awsmfa_exec.config import Source
from awsmfa_exec.credentials import Credentials
from awsmfa_exec.errors import AuthError, AwsmfaError, ConfigError, StsUnavailable
from awsmfa_exec.files import Files

# Set for a credential_process awsmfa runs: a process that runs awsmfa for the same root
# again would recurse without end (and an awsmfa it runs does not use the agent).
RUNNING = ROOT_PROCESS
_METHODS = {
    "process": "custom-process",
    "web-identity": "assume-role-with-web-identity",
    "sso": "sso",
    "login": "login",
}
_WHAT = {
    "process": "credential_process",
    "web-identity": "web_identity_token_file",
    "sso": "the IAM Identity Center token cache (run `aws sso login`)",
    "login": "login_session (run `aws login`)",
    "ec2-metadata": "credential_source = Ec2InstanceMetadata",
    "ecs-container": "credential_source = EcsContainer",
}
_NAMED = ("ec2-metadata", "ecs-container")


def _session(source: Source, files: Files, region: str | None) -> Any:
    import botocore.session

    session = botocore.session.Session(profile=source.profile)
    session.set_config_variable("config_file", str(files.config))
    session.set_config_variable("credentials_file", str(files.credentials))
    if region:
        session.set_config_variable("region", region)
    return session


def _provider(source: Source, files: Files, environ: Mapping[str, str], region: str | None) -> Any:
    from botocore.credentials import ProcessProvider, ProfileProviderBuilder

    session = _session(source, files, region)
    if source.origin in _NAMED:
        from botocore.credentials import CanonicalNameCredentialSourcer, create_credential_resolver

        resolver = create_credential_resolver(session, region_name=region)
        methods = ("container-role", "iam-role")
        sourcer = CanonicalNameCredentialSourcer([resolver.get_provider(m) for m in methods])
        named = dict(source.settings)["credential_source"]
        return SimpleNamespace(load=lambda: sourcer.source_credentials(named))
    if source.origin == "process":
        # The MFA code is awsmfa's (single-use), no business of the root's.
        env = {k: v for k, v in environ.items() if k != "AWSMFA_TOKEN_CODE"}
        env[RUNNING] = source.profile
        popen = partial(subprocess.Popen, env=env)
        return ProcessProvider(source.profile, lambda: session.full_config, popen=popen)
    builder = ProfileProviderBuilder(session, cache={}, region_name=region)
    method = _METHODS[source.origin]
    for provider in builder.providers(source.profile, disable_env_vars=True):
        if method == provider.METHOD:
            return provider
    raise ConfigError(f"this botocore has no {method} credential provider; upgrade botocore")


def _failed(source: Source, exc: Exception) -> AwsmfaError:
    """A one-line error for what botocore raised: AWS refused (exit 4), AWS unreachable
    (exit 5), else the root's configuration (exit 3)."""
    from botocore import exceptions

    reason = log.printable(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    message = f"profile {source.profile}: no credentials from {_WHAT[source.origin]}: "
    message += reason or type(exc).__name__
    refused = (
        exceptions.ClientError,
        exceptions.SSOTokenLoadError,
        exceptions.UnauthorizedSSOTokenError,
        exceptions.TokenRetrievalError,
        # the Sign-In service refused to refresh an `aws login` session (newer botocore only)
        getattr(exceptions, "LoginRefreshRequired", ()),
        getattr(exceptions, "LoginInsufficientPermissions", ()),
    )
    if isinstance(exc, refused):
        return AuthError(message)
    unreachable = exceptions.ConnectionError | exceptions.HTTPClientError
    if source.origin in _NAMED:  # botocore says only that the service gave none
        unreachable |= exceptions.CredentialRetrievalError
    if isinstance(exc, unreachable):
        return StsUnavailable(message)
    return ConfigError(message)


def _none_from(source: Source, environ: Mapping[str, str]) -> AwsmfaError:
    """botocore found no credentials: for an instance or container, why (exit 5 when its
    metadata service did not answer with them)."""
    message = f"profile {source.profile}: no credentials from {_WHAT[source.origin]}: "
    if source.origin == "ecs-container":
        return ConfigError(
            message + "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
            "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; run it in an ECS task or container"
        )
    if source.origin != "ec2-metadata":
        return _failed(source, LookupError("botocore found none"))
    if environ.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true":
        return ConfigError(message + "AWS_EC2_METADATA_DISABLED=true turns the metadata off")
    return StsUnavailable(
        message + "the instance metadata service did not answer with a role's credentials; "
        "run it on an EC2 instance that has an instance profile"
    )


@dataclass
class BotocoreRoot:
    """The root's credentials, from botocore's provider of its kind. The provider's own
    credentials object is kept, so a refresh asks botocore, which refreshes when due."""

    source: Source
    files: Files
    environ: Mapping[str, str] = field(repr=False)
    region: str | None = None
    _held: Any = field(default=None, repr=False)

    def retrieve(self) -> Credentials:
        source = self.source
        if self.environ.get(RUNNING) == source.profile:
            raise ConfigError(
                f"profile {source.profile}: its credential_process runs awsmfa for "
                f"{source.profile} again; point it at the tool that holds the keys"
            )
        log.debug(f"{source.profile}: credentials from botocore's {source.origin} provider")
        try:
            if self._held is None:
                self._held = _provider(source, self.files, self.environ, self.region).load()
            frozen = self._held.get_frozen_credentials() if self._held is not None else None
        except AwsmfaError:
            raise
        except Exception as exc:  # botocore's errors, a process that fails, a bad token file
            raise _failed(source, exc) from None
        if frozen is None or not frozen.access_key or not frozen.secret_key:
            raise _none_from(source, self.environ)
        expiry = getattr(self._held, "_expiry_time", None)  # botocore's refreshable ones
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token or None, expiry)


def fetch(source: Source, environ: Mapping[str, str], region: str | None) -> Credentials:
    """The root's credentials, fetched once in this process's own environment."""
    files = Files.from_environ(environ)
    return BotocoreRoot(source, files, environ, region).retrieve()
