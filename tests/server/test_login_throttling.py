"""Repeated failed logins are slowed down per account and per address (429 + Retry-After)."""

import pytest

from papo.server.services.auth import ADDRESS_FREE_ATTEMPTS_FACTOR
from support.accounts import PASSWORD
from support.errors import error_of

FREE = 2
pytestmark = pytest.mark.app_config(login_free_attempts=FREE, login_max_lockout_seconds=30)


def login(client, username, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        "/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail(client, username, times, address="127.0.0.1"):
    for _ in range(times):
        error_of(login(client, username, "wrong password", address), 401, "invalid_credentials")


def retry_after(response):
    error_of(response, 429, "login_throttled")
    return int(response.headers["Retry-After"])


def test_the_free_attempts_are_answered_401(client, api, throttle_clock):
    api.create_user(username="alice")

    fail(client, "alice", FREE)

    assert login(client, "alice").status_code == 200


def test_past_the_free_attempts_even_the_right_password_gets_429(client, api, throttle_clock):
    api.create_user(username="alice")
    fail(client, "alice", FREE + 1)

    assert retry_after(login(client, "alice")) == 1


def test_the_wait_doubles_with_each_further_failure(client, api, throttle_clock):
    api.create_user(username="alice")
    fail(client, "alice", FREE)
    waits = []
    for _ in range(4):
        fail(client, "alice", 1)
        waits.append(retry_after(login(client, "alice")))
        throttle_clock.advance(waits[-1])

    assert waits == [1, 2, 4, 8]


def test_the_wait_is_capped_by_the_maximum_lockout(client, api, throttle_clock):
    api.create_user(username="alice")
    fail(client, "alice", FREE)
    for _ in range(7):  # 1 + 2 + 4 + … would reach 64 s
        fail(client, "alice", 1)
        throttle_clock.advance(retry_after(login(client, "alice")))
    fail(client, "alice", 1)

    assert retry_after(login(client, "alice")) == 30


def test_login_works_again_once_the_wait_is_over(client, api, throttle_clock):
    api.create_user(username="alice")
    fail(client, "alice", FREE + 1)

    throttle_clock.advance(1)

    assert login(client, "alice").status_code == 200


def test_the_account_is_throttled_whatever_the_address(client, api, throttle_clock):
    api.create_user(username="alice")
    for number in range(FREE + 1):
        fail(client, "alice", 1, address=f"10.0.0.{number}")

    assert retry_after(login(client, "alice", address="10.9.9.9")) == 1


def test_unknown_accounts_are_throttled_like_real_ones(client, throttle_clock):
    fail(client, "nobody", FREE + 1)

    assert retry_after(login(client, "nobody", address="10.9.9.9")) == 1


def test_an_address_failing_on_many_accounts_is_throttled(client, api, throttle_clock):
    api.create_user(username="alice")
    for number in range(FREE * ADDRESS_FREE_ATTEMPTS_FACTOR + 1):
        fail(client, f"guess{number}", 1, address="10.6.6.6")

    assert retry_after(login(client, "alice", address="10.6.6.6")) == 1
    assert login(client, "alice", address="10.1.1.1").status_code == 200


def test_a_throttled_account_does_not_block_other_accounts(client, api, throttle_clock):
    api.create_user(username="alice")
    api.create_user(username="bob")
    fail(client, "alice", FREE + 1)

    assert login(client, "bob").status_code == 200


def test_a_successful_login_resets_the_account_count(client, api, throttle_clock):
    api.create_user(username="alice")
    fail(client, "alice", FREE)
    assert login(client, "alice").status_code == 200

    fail(client, "alice", FREE)

    assert login(client, "alice").status_code == 200
