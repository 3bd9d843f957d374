"""LoginThrottle: failures are free at first, then each one doubles the wait."""

import pytest

from papo.server.throttle import LoginThrottle


@pytest.fixture
def throttle(clock):
    return LoginThrottle(free_attempts=3, max_lockout=60, clock=clock)


def fail(throttle, key, times):
    for _ in range(times):
        throttle.failed(key)


def test_a_new_key_may_try_at_once(throttle):
    assert throttle.retry_after("user:alice") == 0


def test_the_free_attempts_do_not_block(throttle):
    fail(throttle, "user:alice", 3)

    assert throttle.retry_after("user:alice") == 0


def test_the_first_failure_past_the_free_ones_blocks_for_one_second(throttle):
    fail(throttle, "user:alice", 4)

    assert throttle.retry_after("user:alice") == 1


def test_each_further_failure_doubles_the_wait(throttle, clock):
    fail(throttle, "user:alice", 3)
    waits = []
    for _ in range(5):
        throttle.failed("user:alice")
        waits.append(throttle.retry_after("user:alice"))
        clock.advance(waits[-1])

    assert waits == [1, 2, 4, 8, 16]


def test_the_wait_never_exceeds_the_maximum_lockout(throttle):
    fail(throttle, "user:alice", 3 + 20)

    assert throttle.retry_after("user:alice") == 60


def test_the_wait_counts_down_with_the_clock(throttle, clock):
    fail(throttle, "user:alice", 3 + 4)  # blocked for 8 s

    clock.advance(5)
    assert throttle.retry_after("user:alice") == 3
    clock.advance(3)
    assert throttle.retry_after("user:alice") == 0


def test_a_partial_second_is_rounded_up(throttle, clock):
    fail(throttle, "user:alice", 4)

    clock.advance(0.25)

    assert throttle.retry_after("user:alice") == 1


def test_success_forgets_the_failures(throttle):
    fail(throttle, "user:alice", 5)

    throttle.succeeded("user:alice")

    assert throttle.retry_after("user:alice") == 0
    fail(throttle, "user:alice", 3)
    assert throttle.retry_after("user:alice") == 0


def test_keys_are_counted_separately(throttle):
    fail(throttle, "user:alice", 5)

    assert throttle.retry_after("user:bob") == 0


def test_retry_after_answers_for_the_most_blocked_of_several_keys(throttle):
    fail(throttle, "user:alice", 4)  # 1 s
    fail(throttle, "ip:10.0.0.1", 6)  # 4 s

    assert throttle.retry_after("user:alice", "ip:10.0.0.1", "ip:unknown") == 4


def test_a_key_may_be_given_more_free_attempts(throttle):
    for _ in range(12):
        throttle.failed("ip:10.0.0.1", free_attempts=12)

    assert throttle.retry_after("ip:10.0.0.1") == 0
    throttle.failed("ip:10.0.0.1", free_attempts=12)
    assert throttle.retry_after("ip:10.0.0.1") == 1


def test_the_oldest_keys_are_forgotten_past_max_keys(clock):
    throttle = LoginThrottle(free_attempts=0, max_lockout=60, max_keys=2, clock=clock)

    for key in ("a", "b", "c"):
        throttle.failed(key)

    assert throttle.retry_after("a") == 0
    assert throttle.retry_after("b") == 1
    assert throttle.retry_after("c") == 1


def test_a_key_failing_again_becomes_the_newest(clock):
    throttle = LoginThrottle(free_attempts=0, max_lockout=60, max_keys=2, clock=clock)

    for key in ("a", "b", "a", "c"):
        throttle.failed(key)

    assert throttle.retry_after("a") == 2
    assert throttle.retry_after("b") == 0
