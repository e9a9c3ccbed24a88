"""The AWS files as the command of `exec --server` sees them: no credentials in `default`.

Every SDK takes credentials from the default profile before it asks the container
endpoint, so the command gets views of the two files without those lines: sealed memfds
it inherits at a high descriptor N, named `/proc/self/fd/N` in AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE; nothing is written to disk. AWSMFA_CONFIG_FILE and
AWSMFA_SHARED_CREDENTIALS_FILE name the real files for an awsmfa run inside the command.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from awsmfa_exec import log
from awsmfa_exec.config import ROOT_KINDS, SSO_NEEDS, Files, load_profiles
from awsmfa_exec.errors import ConfigError
from awsmfa_exec.file_edit import Section

# What makes an SDK take credentials from the default profile instead of the endpoint: keys,
# a role, or a root botocore resolves itself.
CREDENTIAL_KEYS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "role_arn",
        "source_profile",
        "credential_source",
        *(key for key, _ in ROOT_KINDS),
        *SSO_NEEDS,
    }
)
LOWEST_FD = 100  # far above the descriptors a script opens itself (bash uses 3-9, 10+, 63)

_HEADER = re.compile(rb"\[(.+)\]")
_KEY = re.compile(rb"([^=:]*)[=:]")


def _is_default(header: bytes, *, config: bool) -> bool:
    """As botocore names sections (`[profile "default"]` too), and with any spacing."""
    name = header.decode("utf-8", "replace")
    words = name.split()
    loose = words == ["default"] or (config and words == ["profile", "default"])
    return loose or Section("default", config).holds(name)


def without_default_credentials(text: bytes, *, config: bool) -> bytes:
    """`text` with the default profile's credential settings (and their indented
    continuation lines) left out; every other line as it was."""
    kept: list[bytes] = []
    in_default = dropping = False
    key_indent: int | None = None
    for line in text.splitlines(keepends=True):
        body = line.strip()
        indent = len(line) - len(line.lstrip())
        if not body or body[:1] in (b"#", b";"):  # as configparser: no end to a value
            kept.append(line)
            continue
        if key_indent is not None and indent > key_indent:  # a continuation line
            if not dropping:
                kept.append(line)
            continue
        key_indent, dropping = None, False
        header = _HEADER.match(body)
        if header:
            in_default = _is_default(header.group(1), config=config)
        else:
            key_indent = indent
            key = _KEY.match(body)
            name = key.group(1).strip().lower().decode("utf-8", "replace") if key else ""
            dropping = in_default and name in CREDENTIAL_KEYS
        if not dropping:
            kept.append(line)
    return b"".join(kept)


def _memfd(name: str, content: bytes) -> int:
    """A sealed in-memory file holding `content`, at a descriptor the command inherits;
    AttributeError where the platform has no memfd (macOS)."""
    seals = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
    fd = os.memfd_create(name, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
        return fcntl.fcntl(fd, fcntl.F_DUPFD, LOWEST_FD)  # F_DUPFD: inheritable
    finally:
        os.close(fd)


def _still_default_credentials(files: Files) -> list[str]:
    default = load_profiles(files).get("default", {})
    return sorted(key for key in CREDENTIAL_KEYS if default.get(key))


class Views:
    """The variables that point the command at the views, and the descriptors behind them."""

    def __init__(self) -> None:
        self.variables: dict[str, str] = {}
        self.fds: list[int] = []

    def close(self) -> None:
        """Drop the views: the command then gets the files as they are."""
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds.clear()
        self.variables.clear()


def _make(views: Views, files: Files) -> Files:
    """Views where a file needs one; the files the command's SDKs will read."""
    seen = {}
    for kind, path in (("config", files.config), ("credentials", files.credentials)):
        try:
            original = path.read_bytes()
        except FileNotFoundError:
            original = b""
        trimmed = without_default_credentials(original, config=kind == "config")
        seen[kind] = path
        if trimmed != original:
            fd = _memfd(f"awsmfa-{kind}", trimmed)
            views.fds.append(fd)
            seen[kind] = Path(f"/proc/self/fd/{fd}")
            variable = "CONFIG_FILE" if kind == "config" else "SHARED_CREDENTIALS_FILE"
            views.variables[f"AWS_{variable}"] = str(seen[kind])  # what the SDKs read
            views.variables[f"AWSMFA_{variable}"] = str(path.absolute())  # what awsmfa reads
    return Files(seen["config"], seen["credentials"])


def _default_credentials_in(views: Views, files: Files) -> list[str]:
    """Credential settings the command's default profile has left: none with views that
    hide them. Views that cannot be made, or leave one, are dropped."""
    try:
        left = _still_default_credentials(_make(views, files))
        if not left:
            return []
        log.debug(f"the views of the AWS files still give profile default {left[0]}")
    except (OSError, AttributeError, ConfigError) as exc:  # AttributeError: no memfd
        log.debug(f"no views of the AWS files for the command: {exc}")
    views.close()
    return _still_default_credentials(files)


@contextmanager
def default_profile_views(files: Files, profile: str) -> Iterator[Views]:
    """Views of `files` for the command while the `with` block runs, where the default
    profile holds credentials; where none can hide them, a warning instead."""
    views = Views()
    try:
        left = _default_credentials_in(views, files)
        if left:
            log.note(
                f"warning: profile default has {left[0]}, and SDKs use the default profile "
                f"before the --server endpoint, so the command may not run as {profile}; "
                "move those settings to a named profile"
            )
        yield views
    finally:
        views.close()
