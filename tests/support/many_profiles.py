"""A generated AWS config with many profiles: one keys profile, roles on it, chains on them."""

from __future__ import annotations

from tests.support.aws_files import ACCOUNT, LANDING_KEY_ID, LANDING_SECRET, SERIAL, AwsFiles


def write_many(files: AwsFiles, count: int) -> None:
    """`count` profiles in all: `landing` (keys), then role-NNNN, each tenth a chain."""
    sections = [f"[profile landing]\nregion = eu-west-1\nmfa_serial = {SERIAL}\n"]
    for n in range(1, count):
        source = f"role-{n - 1:05d}" if n % 10 == 0 else "landing"
        sections.append(
            f"[profile role-{n:05d}]\n"
            f"role_arn = arn:aws:iam::{ACCOUNT}:role/r{n}\n"
            f"source_profile = {source}\n"
            f"region = eu-central-1\n"
        )
    files.write(
        "\n".join(sections),
        f"[landing]\naws_access_key_id = {LANDING_KEY_ID}\n"
        f"aws_secret_access_key = {LANDING_SECRET}\n",
    )
