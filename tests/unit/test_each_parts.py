"""The pure parts of `each`: choosing profiles, the throttling retry, line splitting,
the summary's order, and where `--` cuts the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsmfa_exec.arrange import Line, arrange
from awsmfa_exec.config import Files
from awsmfa_exec.errors import ConfigError, StsThrottled, StsUnavailable
from awsmfa_exec.fleet import child, retry
from awsmfa_exec.fleet.choose import choose, read_names
from awsmfa_exec.fleet.output import file_name
from awsmfa_exec.fleet.summary import Result, as_json, table

FILES = Files(Path("/c"), Path("/k"))
PROFILES: dict[str, dict[str, str]] = {
    name: {} for name in ("landing", "acct-b", "acct-a", "prod", "acct-c")
}


def test_choose_keeps_config_order_and_each_profile_once() -> None:
    chosen = choose(["acct-c", "acct-*", "prod"], ["acct-b"], PROFILES, FILES)
    assert chosen == ["acct-b", "acct-a", "prod", "acct-c"]


def test_choose_refuses_a_pattern_or_name_that_matches_nothing() -> None:
    with pytest.raises(ConfigError, match="no profile matches 'dev-\\*'"):
        choose(["acct-*", "dev-*"], [], PROFILES, FILES)
    with pytest.raises(ConfigError, match="did you mean 'prod'"):
        choose([], ["prdo"], PROFILES, FILES)
    with pytest.raises(ConfigError, match="names none"):
        choose([], [], PROFILES, FILES)


def test_read_names_skips_blanks_and_comments(tmp_path: Path) -> None:
    listed = tmp_path / "f"
    listed.write_text("  acct-a \n\n# not this\nprod\n")
    assert read_names(str(listed)) == ["acct-a", "prod"]


def test_throttling_is_retried_with_growing_jittered_waits() -> None:
    tries: list[int] = []
    waits: list[float] = []

    def call() -> str:
        tries.append(1)
        if len(tries) < 4:
            raise StsThrottled("slow down")
        return "done"

    highest = lambda low, high: high  # noqa: E731 - the ceiling of each jittered draw
    assert retry.retrying(call, "p", waits.append, draw=highest) == "done"
    assert waits == [0.5, 1.0, 2.0]
    assert retry.backoff(10, highest) == retry.CAP
    assert 0 <= retry.backoff(3) <= 4.0


def test_throttling_is_reported_once_the_retries_are_spent() -> None:
    tries: list[int] = []

    def call() -> str:
        tries.append(1)
        raise StsThrottled("slow down")

    with pytest.raises(StsThrottled):
        retry.retrying(call, "p", lambda _: None, retries=3)
    assert len(tries) == 4


def test_other_failures_and_a_stopped_run_are_not_retried() -> None:
    tries: list[int] = []

    def unavailable() -> str:
        tries.append(1)
        raise StsUnavailable("down")

    with pytest.raises(StsUnavailable):
        retry.retrying(unavailable, "p", lambda _: None)
    assert len(tries) == 1

    def throttled() -> str:
        tries.append(1)
        raise StsThrottled("slow down")

    with pytest.raises(StsThrottled):
        retry.retrying(throttled, "p", lambda _: True)  # the wait says: stop
    assert len(tries) == 2


def blocks(prefix: bytes, *chunks: bytes) -> list[bytes]:
    sent: list[bytes] = []
    stream = child._Stream(1, prefix, lambda _, block: sent.append(block))
    for chunk in chunks:
        stream.feed(chunk)
    stream.end()
    return sent


def test_lines_are_sent_whole_with_their_prefix() -> None:
    assert blocks(b"p | ", b"one\ntw", b"o\nthree") == [b"p | one\n", b"p | two\n", b"p | three\n"]
    assert blocks(b"", b"a\nb\n", b"") == [b"a\nb\n"]


def test_a_line_still_unfinished_past_the_limit_is_passed_on_in_pieces() -> None:
    huge = b"x" * (child.MAX_LINE * 2 + 10)
    sent = b"".join(blocks(b"p | ", huge[:1000], huge[1000:], b"\nend\n"))
    assert sent.splitlines() == [
        b"p | " + b"x" * child.MAX_LINE,
        b"p | " + b"x" * child.MAX_LINE,
        b"p | " + b"x" * 10,
        b"p | end",
    ]


def test_the_summary_puts_failures_last_in_config_order() -> None:
    results = [
        Result("a", "failed", 2, 1.0),
        Result("b", "ok", 0, 0.5),
        Result("c", "error", 4, 0.1, "STS denied"),
        Result("d"),
        Result("e", "ok", 0, 0.2),
    ]
    rows = table(results, 3.0).splitlines()
    assert [row.split()[0] for row in rows[1:-1]] == ["b", "e", "d", "a", "c"]
    assert rows[-2].endswith("  STS denied")
    assert rows[-1] == "awsmfa each: 5 profiles in 3.0s: 2 ok, 1 skipped, 1 failed, 1 error"
    summary = as_json(results, 3.0, 1)
    assert [p["profile"] for p in summary["profiles"]] == ["b", "e", "d", "a", "c"]


def test_file_names_hold_nothing_unusual() -> None:
    assert file_name("acct-1") == "acct-1"
    assert file_name("../x y") == "%2E.%2Fx%20y"
    assert file_name("acct/x") != file_name("acct_x") == "acct_x"


@pytest.mark.parametrize(
    ("args", "kept", "command"),
    [
        (["each", "a*", "-j", "2", "--", "tf", "--", "-x"], ["each", "a*", "-j", "2"],
         ["tf", "--", "-x"]),
        (["--debug", "each", "a", "--", "true"], ["--debug", "each", "a"], ["true"]),
        (["each", "acct-*", "aws", "sts", "get-caller-identity", "--output", "json"],
         ["each", "acct-*"], ["aws", "sts", "get-caller-identity", "--output", "json"]),
        (["each", "acct-1", "acct-2", "-j", "2", "make", "plan", "--debug"],
         ["each", "acct-1", "acct-2", "-j", "2"], ["make", "plan", "--debug"]),
        (["each", "a*", "--debug", "true"], ["--debug", "each", "a*"], ["true"]),
        (["each", "nosuch", "true"], ["each", "nosuch"], ["true"]),  # the first is a PATTERN
        (["each", "--from-file", "f", "true"], ["each", "--from-file", "f"], ["true"]),
        (["each", "--from-file=f", "acct-1", "true"], ["each", "--from-file=f", "acct-1"],
         ["true"]),
        (["each", "acct-1", "acct-2"], ["each", "acct-1", "acct-2"], None),
        (["exec", "dev", "true"], ["exec", "dev"], ["true"]),
    ],
)  # fmt: skip
def test_the_command_of_each_starts_at_its_dashes_or_after_its_patterns(
    args: list[str], kept: list[str], command: list[str] | None
) -> None:
    line = Line(arrange(args, {}, lambda word: "*" in word or word in {"acct-1", "acct-2"}))
    assert line.command == command
    assert line.words() == [*kept, *(["--", *command] if command is not None else [])]
