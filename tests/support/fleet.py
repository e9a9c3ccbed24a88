"""A landing account with one role profile a member account: `acct-000`, `acct-001`, ..."""

from __future__ import annotations

from tests.support.aws_files import ACCOUNT, SEED_CREDENTIALS, SERIAL, AwsFiles


def accounts(count: int) -> list[str]:
    return [f"acct-{n:03d}" for n in range(count)]


def write_fleet(files: AwsFiles, count: int) -> list[str]:
    """`landing` (keys, MFA), `count` member roles on it, and `other`, which no glob of
    theirs matches. The member profiles' names, in config order."""
    names = accounts(count)
    sections = [f"[profile landing]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n"]
    sections += [
        f"[profile {name}]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/{name}\n"
        f"source_profile = landing\nregion = eu-central-1\n"
        for name in names
    ]
    sections.append(
        f"[profile other]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/other\nsource_profile = landing\n"
    )
    files.write("\n".join(sections), SEED_CREDENTIALS)
    return names
