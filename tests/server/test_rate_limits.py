"""RateLimits: one token bucket per user, in bounded memory."""

import pytest

from papo.server.throttle import RateLimits


@pytest.fixture
def limits(clock):
    return RateLimits(rate=0.5, burst=2, max_keys=3, clock=clock)


def spend(limits, key, times):
    return [limits.wait(key) for _ in range(times)]


def test_a_burst_is_free(limits):
    assert spend(limits, 1, 2) == [0, 0]


def test_past_the_burst_the_wait_is_until_the_next_token(limits):
    spend(limits, 1, 2)

    assert limits.wait(1) == pytest.approx(2.0)


def test_a_token_comes_back_at_the_rate(limits, clock):
    spend(limits, 1, 2)
    clock.advance(2)

    assert limits.wait(1) == 0


def test_each_user_has_an_allowance_of_their_own(limits):
    spend(limits, 1, 3)

    assert spend(limits, 2, 2) == [0, 0]


def test_past_max_keys_the_least_recently_used_bucket_is_forgotten(limits):
    spend(limits, 1, 3)
    for key in (2, 3, 4):
        limits.wait(key)

    assert len(limits._records) == 3
    assert limits.wait(1) == 0  # forgotten, so full again


def test_a_recently_used_bucket_is_kept(limits):
    spend(limits, 1, 3)
    for key in (2, 3):
        limits.wait(key)
    limits.wait(1)  # refused, but used: the newest
    limits.wait(4)

    assert limits.wait(1) > 0
