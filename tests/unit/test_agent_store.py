"""The agent's store: expiry margin, single flight, clearing by profile."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from awsmfa_exec.agent.store import Store
from awsmfa_exec.credentials import Credentials, utcnow


def creds(minutes: float) -> Credentials:
    return Credentials("ASIAEXAMPLE", "secret", "token", utcnow() + timedelta(minutes=minutes))


def test_concurrent_requests_for_one_key_make_it_once() -> None:
    store = Store()
    made: list[int] = []
    release = threading.Event()

    def make() -> Credentials:
        made.append(1)
        release.wait(timeout=5)
        return creds(60)

    results: list[Credentials] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(store.get_or_make("k", "role", "dev", "dev", make))
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(made) == 1
    assert len(results) == 8
    assert len({id(result) for result in results}) == 1


def test_a_failed_maker_leaves_the_key_to_the_next_caller() -> None:
    store = Store()

    def fail() -> Credentials:
        raise RuntimeError("no code")

    with pytest.raises(RuntimeError):
        store.get_or_make("k", "role", "dev", "dev", fail)
    assert store.get_or_make("k", "role", "dev", "dev", lambda: creds(60)).access_key_id
    assert not store.idle()


def test_entries_within_five_minutes_of_expiry_are_dropped() -> None:
    store = Store()
    store.get_or_make("k", "role", "dev", "dev", lambda: creds(4))
    assert store.held() == []
    assert store.idle()


def test_clear_profile_drops_what_it_used() -> None:
    store = Store()
    store.get_or_make("s", "mfa-session", "landing", "dev", lambda: creds(600))
    store.get_or_make("s", "mfa-session", "landing", "prod", lambda: creds(600))
    store.get_or_make("d", "role", "dev", "dev", lambda: creds(60))
    store.get_or_make("p", "role", "prod", "prod", lambda: creds(60))
    assert store.clear("dev") == 2
    assert [(h.label, h.kind) for h in store.held()] == [("prod", "role")]
    assert store.clear(None) == 1
    assert store.idle()


def test_a_wider_margin_gets_new_ones_that_replace_the_held() -> None:
    store = Store()
    old = store.get_or_make("k", "role", "dev", "dev", lambda: creds(15))
    assert store.get_or_make("k", "role", "dev", "dev", lambda: creds(60)) is old
    new = store.get_or_make("k", "role", "dev", "dev", lambda: creds(15), margin=3600)
    assert new is not old  # 15 minutes are not more than the hour this caller wants
    assert store.get_or_make("k", "role", "dev", "dev", lambda: creds(60)) is new
