"""The one credential cache: expiry margin, single flight, clearing by profile."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from awsmfa_exec.chain.cache import Cache, Caller
from awsmfa_exec.credentials import Credentials, utcnow


def creds(minutes: float) -> Credentials:
    return Credentials("ASIAEXAMPLE", "secret", "token", utcnow() + timedelta(minutes=minutes))


def waiting(cache: Cache, count: int) -> None:
    """Until `count` callers wait inside `cache` for a maker (at most 10 s)."""
    deadline = time.monotonic() + 10
    while len(cache._changed._waiters) < count:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"{count} callers never waited for the maker"
        time.sleep(0.005)


@pytest.mark.parametrize("has_code", [False, True])
def test_concurrent_requests_for_one_key_make_it_once(has_code: bool) -> None:
    """With or without a code of their own: nobody is at a prompt, so all share one flight."""
    store = Cache()
    made: list[int] = []

    def make() -> Credentials:
        made.append(1)
        waiting(store, 7)  # every other caller arrives while this one makes
        return creds(60)

    results: list[Credentials] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                store.get_or_make("k", "role", "dev", "dev", make, caller=Caller(has_code))
            )
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(made) == 1
    assert len(results) == 8
    assert len({id(result) for result in results}) == 1


def test_a_failed_maker_leaves_the_key_to_the_next_caller() -> None:
    store = Cache()

    def fail() -> Credentials:
        raise RuntimeError("no code")

    with pytest.raises(RuntimeError):
        store.get_or_make("k", "role", "dev", "dev", fail)
    made = creds(60)
    assert store.get_or_make("k", "role", "dev", "dev", lambda: made) is made
    assert store.get_or_make("k", "role", "dev", "dev", fail) is made  # held now
    assert not store.idle()


def test_entries_within_five_minutes_of_expiry_are_dropped() -> None:
    store = Cache()
    store.get_or_make("k", "role", "dev", "dev", lambda: creds(4))
    assert store.held() == []
    assert store.idle()


def test_clear_profile_drops_what_it_used() -> None:
    store = Cache()
    store.get_or_make("s", "mfa-session", "landing", "dev", lambda: creds(600))
    store.get_or_make("s", "mfa-session", "landing", "prod", lambda: creds(600))
    store.get_or_make("d", "role", "dev", "dev", lambda: creds(60))
    store.get_or_make("p", "role", "prod", "prod", lambda: creds(60))
    assert store.clear("dev") == 2
    assert [(h.label, h.kind) for h in store.held()] == [("prod", "role")]
    assert store.clear(None) == 1
    assert store.idle()


def test_a_wider_margin_gets_new_ones_that_replace_the_held() -> None:
    store = Cache()
    old = store.get_or_make("k", "role", "dev", "dev", lambda: creds(15))
    assert store.get_or_make("k", "role", "dev", "dev", lambda: creds(60)) is old
    new = store.get_or_make("k", "role", "dev", "dev", lambda: creds(15), margin=3600)
    assert new is not old  # 15 minutes are not more than the hour this caller wants
    assert store.get_or_make("k", "role", "dev", "dev", lambda: creds(60)) is new


class Prompted:
    """A maker whose client sits at a prompt until `answer` is set."""

    def __init__(self, store: Cache) -> None:
        self.store = store
        self.caller = Caller()
        self.at_prompt = threading.Event()
        self.answer = threading.Event()
        self.called_sts = False
        self.result: list[Credentials] = []

    def make(self) -> Credentials:
        with self.store.asking(self.caller):
            self.at_prompt.set()
            assert self.answer.wait(timeout=10)
        self.called_sts = True
        return creds(60)

    def start(self) -> threading.Thread:
        def run() -> None:
            got = self.store.get_or_make("k", "role", "dev", "dev", self.make, caller=self.caller)
            self.result.append(got)

        thread = threading.Thread(target=run)
        thread.start()
        assert self.at_prompt.wait(timeout=10)
        return thread


def test_a_caller_with_a_code_does_not_wait_behind_a_prompt() -> None:
    store = Cache()
    prompted = Prompted(store)
    thread = prompted.start()
    own = creds(60)
    got = store.get_or_make("k", "role", "dev", "dev", lambda: own, caller=Caller(has_code=True))
    assert got is own
    prompted.answer.set()
    thread.join(timeout=10)
    assert prompted.result == [own]  # the typed code was not spent on a second STS call
    assert not prompted.called_sts


def test_callers_without_a_code_still_wait_for_the_prompt() -> None:
    store = Cache()
    prompted = Prompted(store)
    thread = prompted.start()
    made: list[int] = []
    waiter_got: list[Credentials] = []

    def make() -> Credentials:
        made.append(1)
        return creds(60)

    waiter = threading.Thread(
        target=lambda: waiter_got.append(store.get_or_make("k", "role", "dev", "dev", make))
    )
    waiter.start()
    waiting(store, 1)  # it waits for the prompted maker: one prompt, one STS call
    prompted.answer.set()
    thread.join(timeout=10)
    waiter.join(timeout=10)
    assert made == []
    assert waiter_got == prompted.result
    assert prompted.called_sts
