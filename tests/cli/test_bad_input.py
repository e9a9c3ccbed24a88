"""Bad input: its exit code (errors.py), one `awsmfa: error: …` line, no traceback, no file touched.

Each case is one line of `CASES`; no case reaches a working STS (the nested cases point at a
closed port, so a reuse of the inherited credentials would show as a success).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.aws_files import CODE, LANDING_SECRET, SEED_CONFIG, SEED_CREDENTIALS, AwsFiles
from tests.support.commands import AWSMFA, awsmfa, run
from tests.support.other_uid import OtherUid
from tests.support.proof import INHERITED_DEV, assert_one_error_line, record, snapshot
from tests.support.shells import failed_in_sh

CYCLE = "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"  # noqa: E501
ORPHAN = "[profile orphan]\nrole_arn = arn:aws:iam::1:role/o\nsource_profile = gone\n"
NO_SOURCE = "[profile lone]\nrole_arn = arn:aws:iam::1:role/lone\n"
BAD_SECONDS = "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = landing\nduration_seconds = 1 hour\n"  # noqa: E501
HALF_KEYS = "[landing]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
# A line without `=` that is the secret itself: the message must not echo it.
SECRET_LINE = f"[landing]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n{LANDING_SECRET}\n"
SHORT_ROLE = SEED_CONFIG.replace("landing\n", "landing\nduration_seconds = 600\n", 1)
LONG_SESSION = SEED_CONFIG.replace(
    "[profile landing]\n", "[profile landing]\nmfa_session_duration = 200000\n"
)
# p0 -> p1 -> ... -> p1000 -> landing: far deeper than any real chain (or the stack).
DEEP_CHAIN = SEED_CONFIG + "".join(
    f"[profile p{i}]\nrole_arn = arn:aws:iam::1:role/p{i}\nsource_profile = "
    f"{'landing' if i == 1000 else f'p{i + 1}'}\n"
    for i in range(1001)
)
NUL_PROCESS = SEED_CONFIG.replace("[profile dev]\n", "[profile dev]\nmfa_process = echo 1\0\n")
NUL_KEY = SEED_CREDENTIALS.replace("aws_access_key_id = ", "aws_access_key_id = AKIA\0")
# The keys under `[profile default]`, a header the credentials file does not read as `default`.
PROFILE_DEFAULT_KEYS = SEED_CREDENTIALS.replace("[landing]", "[profile default]")
NO_EQUALS = SEED_CONFIG.replace("role_arn = arn:aws:iam", "role_arn arn:aws:iam", 1)
INHERITED = {**INHERITED_DEV, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    exit_code: int
    message: str  # a regular expression for the text after `awsmfa: error: `
    config: str | bytes = SEED_CONFIG
    credentials: str = SEED_CREDENTIALS
    env: dict[str, str] = field(default_factory=dict)


X = ("--", "true")
CASES = {
    "unknown profile": Case(
        ("exec", "deve", "-t", CODE, *X),
        3,
        r"profile 'deve' is not in \S+ or \S+; did you mean 'dev'\?",
    ),
    "source_profile cycle": Case(
        ("exec", "a", "-t", CODE, *X),
        3,
        r"source_profile cycle: a -> b -> a; break it in \S+",
        CYCLE,
    ),
    "orphan source_profile": Case(
        ("exec", "orphan", "-t", CODE, *X),
        3,
        r"profile orphan has source_profile = gone, which is not in \S+ or \S+",
        ORPHAN,
    ),
    "role_arn, no source_profile": Case(
        ("exec", "lone", "-t", CODE, *X),
        3,
        r"profile lone has role_arn but no source_profile; .*",
        NO_SOURCE,
    ),
    "duration_seconds not a number": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"profile dev: duration_seconds must be a whole number of seconds",
        BAD_SECONDS,
    ),
    "key id without secret": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"profile landing has no aws_secret_access_key; add it to \[landing\]",
        credentials=HALF_KEYS,
    ),
    "malformed INI (config)": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"\S+/config is malformed: line 1 \(\[profile dev\): a \[section\] header without its "
        r"closing \]; fix or move the file",
        "[profile dev\nregion = x\n",
    ),
    "malformed INI (secret line)": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"\S+/credentials is malformed: line 3 \(\*\*\*\*\): not a \[section\] header, "
        r"a `key = value` line or a comment; fix or move the file",
        credentials=SECRET_LINE,
    ),
    "non-UTF-8 bytes in config": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"\S+/config is malformed: it is not UTF-8 text \(byte \d+\); .*",
        SEED_CONFIG.encode() + b"[profile x]\nregion = eu-\xff\xfe\n",
    ),
    "1000-deep source_profile chain": Case(
        ("exec", "p0", "-t", CODE, *X),
        3,
        r"profile p0: the source_profile chain is longer than 64 roles; shorten it in \S+",
        DEEP_CHAIN,
    ),
    "1000-deep source_profile chain, no agent": Case(
        ("env", "p0", "-t", CODE, "--shell", "sh"),
        3,
        r"profile p0: the source_profile chain is longer than 64 roles; shorten it in \S+",
        DEEP_CHAIN,
        env={"AWSMFA_AGENT": "off"},
    ),
    "NUL byte in a config value": Case(
        ("exec", "dev", *X),
        3,
        r"\S+/config is malformed: a NUL byte in profile 'dev' \(mfa_process\); fix the file",
        NUL_PROCESS,
    ),
    "NUL byte in a credentials value, no agent": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"\S+/credentials is malformed: a NUL byte in profile 'landing' "
        r"\(aws_access_key_id\); fix the file",
        credentials=NUL_KEY,
        env={"AWSMFA_AGENT": "off"},
    ),
    "config is a folder": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"\S+ is a directory, not an AWS config file",
        env={"AWS_CONFIG_FILE": "/"},
    ),
    "bad --duration": Case(
        ("exec", "dev", "-t", CODE, "-d", "5x", *X),
        2,
        r"invalid duration '5x': use seconds \(3600\) or 90m, 1h, 1h30m, 12h",
    ),
    "--duration out of range": Case(
        ("exec", "dev", "-t", CODE, "-d", "60", *X), 2, r"duration '60' is out of range: .*"
    ),
    "--duration above a role's 12 h": Case(
        ("exec", "dev", "-t", CODE, "-d", "13h", *X),
        2,
        r"-d 13h for role profile dev is out of range: AssumeRole accepts 15m to 12h "
        r"\(900 to 43200 seconds\)",
    ),
    "duration_seconds out of range": Case(
        ("exec", "dev", "-t", CODE, *X),
        2,
        r"duration_seconds = 600 of role profile dev is out of range: AssumeRole accepts .*",
        SEED_CONFIG.replace(
            "source_profile = landing\n", "source_profile = landing\nduration_seconds = 600\n", 1
        ),
    ),
    "mfa_session_duration out of range": Case(
        ("exec", "landing", "-t", CODE, *X),
        2,
        r"mfa_session_duration = 200000 \(profile landing\) is out of range: GetSessionToken "
        r"accepts 15m to 36h \(900 to 129600 seconds\)",
        SEED_CONFIG.replace(
            "[profile landing]\n", "[profile landing]\nmfa_session_duration = 200000\n"
        ),
    ),
    "bad --shell": Case(
        ("env", "dev", "-t", CODE, "--shell", "tcsh"),
        2,
        r"unknown shell 'tcsh'; choose one of: .*bash.*",
    ),
    "code of 5 digits": Case(
        ("exec", "dev", "-t", "12345", *X), 2, r"the MFA code from --token-code must be 6 digits"
    ),
    "code of 7 digits": Case(
        ("exec", "dev", "-t", "1234567", *X), 2, r"the MFA code from --token-code must be 6 digits"
    ),
    "code of letters": Case(
        ("exec", "dev", "-t", "abcdef", *X), 2, r"the MFA code from --token-code must be 6 digits"
    ),
    "code in AWSMFA_TOKEN_CODE": Case(
        ("exec", "dev", *X),
        2,
        r"the MFA code from AWSMFA_TOKEN_CODE must be 6 digits",
        env={"AWSMFA_TOKEN_CODE": "12 456"},
    ),
    "no code, no terminal": Case(
        ("exec", "dev", *X),
        2,
        r"profile dev needs an MFA code and there is no terminal to ask on: .*",
    ),
    "exec with no profile and no AWS_PROFILE": Case(
        ("exec",),
        2,
        r"exec needs a PROFILE, or AWS_PROFILE in the environment: "
        r"awsmfa exec PROFILE -- COMMAND \[ARG\]\.\.\.",
    ),
    "exec with -- first and no AWS_PROFILE": Case(
        ("exec", "-t", CODE, "--", "true"), 2, r"exec needs a PROFILE, or AWS_PROFILE .*"
    ),
    "env with no profile and no AWS_PROFILE": Case(
        ("env", "-t", CODE),
        2,
        r"env needs a PROFILE, or AWS_PROFILE in the environment: "
        r"awsmfa env PROFILE, or awsmfa env --unset",
    ),
    "login with no profile and no AWS_PROFILE": Case(
        ("login",), 2, r"login needs a PROFILE, or AWS_PROFILE in the environment: .*"
    ),
    "unknown option": Case(("exec", "dev", "--bogus", *X), 2, r"No such option: --bogus.*"),
    "--no-session without a role": Case(
        ("exec", "landing", "--no-session", "-t", CODE, *X),
        2,
        r"--no-session needs a role profile; .*",
    ),
    "nested, other profile, no code": Case(
        ("exec", "prod", *X),
        2,
        r"profile prod needs an MFA code and there is no terminal to ask on: .*",
        env=INHERITED,
    ),
    "nested, other profile, STS down": Case(
        ("exec", "prod", "-t", CODE, *X),
        5,
        r"STS GetSessionToken for landing failed: could not connect \(http://127\.0\.0\.1:9/\); .*",
        env=INHERITED,
    ),
    "aws-vault's export": Case(
        ("export", "dev"),
        2,
        r"no such command 'export': aws-vault's export is awsmfa env dev "
        r"\(--shell dotenv for KEY=value lines, --shell json for JSON\) "
        r"\(see: awsmfa env --help\)",
    ),
    "aws-vault's export --format": Case(
        ("export", "--format=json", "-d", "1h", "dev"),
        2,
        r"no such command 'export': aws-vault's export --format json is "
        r"awsmfa env dev --shell json \(see: awsmfa env --help\)",
    ),
    "aws-vault's exec --ec2-server": Case(
        ("exec", "dev", "--ec2-server", *X),
        2,
        r"no such option --ec2-server: aws-vault's --ec2-server is --server here, "
        r"an ECS-style container-credentials endpoint on 127.0.0.1 \(see: awsmfa exec --help\)",
    ),
    "aws-vault's exec --ecs-server": Case(
        ("exec", "dev", "--ecs-server", *X), 2, r"no such option --ecs-server: .* is --server .*"
    ),
    "aws-vault's exec --mfa-token": Case(
        ("exec", "dev", "--mfa-token", CODE, *X), 2, r".* --mfa-token is -t/--token-code .*"
    ),
    "aws-vault's login --stdout": Case(
        ("login", "dev", "--stdout"), 2, r".* --stdout is --print here \(see: awsmfa login --help\)"
    ),
    "aws-vault's list --profiles": Case(
        ("list", "--profiles"), 2, r".* --profiles is awsmfa list --json here .*"
    ),
    "aws-vault's remove --sessions-only": Case(
        ("remove", "dev", "--sessions-only"), 2, r".* --sessions-only is awsmfa clear dev here .*"
    ),
    "[profile default] in the credentials file": Case(
        ("exec", "default", "-t", CODE, *X),
        3,
        r"profile 'default' is not in \S+ or \S+; \[profile default\] in the credentials file "
        r"is not read as a profile: name it \[default\] \(the credentials file takes no "
        r"'profile' in its headers\)",
        credentials=PROFILE_DEFAULT_KEYS,
    ),
    "a config line without =": Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        r"\S+/config is malformed: line 6 \(role_arn arn:aws:iam::\d+:role/dev\): a setting "
        r"without '='; write it role_arn = …; fix or move the file",
        NO_EQUALS,
    ),
}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


def check_refused(
    result: object, case: Case, roots: tuple[Path, ...], before: dict[str, tuple[int, str]]
) -> None:
    message = assert_one_error_line(result)  # type: ignore[arg-type]
    assert result.returncode == case.exit_code, message  # type: ignore[attr-defined]
    assert re.fullmatch(case.message, message), message
    assert LANDING_SECRET not in result.stderr  # type: ignore[attr-defined]
    stdout = result.stdout  # type: ignore[attr-defined]
    assert failed_in_sh(stdout, case.exit_code) if case.args[0] == "env" else stdout == ""
    assert snapshot(*roots) == before


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_and_an_exit_code(
    name: str, aws_files: AwsFiles, workdir: Path
) -> None:
    case = CASES[name]
    config = case.config if isinstance(case.config, bytes) else case.config.encode()
    aws_files.config.write_bytes(config)
    aws_files.credentials.write_text(case.credentials)
    roots = (Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]), workdir)
    before = snapshot(*roots)
    result = awsmfa(*case.args, env={**os.environ, **case.env}, cwd=workdir, timeout=30)
    record("bad input", name, result)
    check_refused(result, case, roots, before)


@pytest.mark.other_uid
@pytest.mark.parametrize("locked", ["file", "folder"])
def test_unreadable_config_file(
    locked: str, shared_dir: Path, request: pytest.FixtureRequest
) -> None:
    home = shared_dir / "home"
    (home / ".aws").mkdir(parents=True)
    config = home / ".aws" / "config"
    config.write_text(SEED_CONFIG)
    (home / ".aws" / "credentials").write_text(SEED_CREDENTIALS)
    for path in (home, home / ".aws", home / ".aws" / "credentials"):
        path.chmod(0o755)
    (config if locked == "file" else config.parent).chmod(0o700 if locked == "folder" else 0o600)
    if os.geteuid() != 0:
        config.chmod(0o000)
    env = {**os.environ, "HOME": str(home), "AWS_CONFIG_FILE": str(config), "TMPDIR": str(home)}
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(shared_dir / "credentials")
    shutil.copy(home / ".aws" / "credentials", shared_dir / "credentials")
    (shared_dir / "credentials").chmod(0o644)
    command = [AWSMFA]
    if os.geteuid() == 0:  # root reads any file: awsmfa runs as another uid to be refused
        other: OtherUid = request.getfixturevalue("other_uid")
        command = other.command(other.awsmfa)
    works = run([*command, "--version"], env=env, cwd=shared_dir)
    assert works.returncode == 0, f"awsmfa cannot run as another user here: {works.stderr}"
    case = Case(
        ("exec", "dev", "-t", CODE, *X),
        3,
        rf"cannot read {re.escape(str(config))}: permission denied; check the permissions of .*",
    )
    before = snapshot(shared_dir)
    result = run([*command, *case.args], env=env, cwd=shared_dir, timeout=30)
    record("bad input", f"unreadable config ({locked})", result)
    check_refused(result, case, (shared_dir,), before)
