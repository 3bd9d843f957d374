"""The one bounded wait every suite uses: poll a condition until it holds, or fail."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    predicate: Callable[[], Any],
    timeout: float,
    what: str,
    *,
    step: float = 0.05,
    sleep: Callable[[float], Any] = time.sleep,
) -> Any:
    """Return `predicate()` once truthy; fail with `what` after `timeout` seconds.

    `sleep(seconds)` waits between checks: a caller whose condition changes on a signal can
    pass `threading.Condition.wait` (holding the condition) to wake up on the signal.
    """
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"after {timeout:g} s still waiting for {what}")
        sleep(min(step, left))
    return result
