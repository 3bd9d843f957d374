"""Checks that tests leave no client thread behind."""

from __future__ import annotations

import threading
import time

THREADS_SETTLE = 5.0  # seconds client threads get to finish after disconnecting


def threads_left_since(before: set[threading.Thread]) -> list[threading.Thread]:
    """The threads started since `before` still alive after THREADS_SETTLE seconds."""
    deadline = time.monotonic() + THREADS_SETTLE
    while (extra := [t for t in threading.enumerate() if t not in before and t.is_alive()]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.02)
    return extra
