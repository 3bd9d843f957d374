"""Presence announcements: one by one while they are few, in batches when they pour in.

Every user coming online or going offline is told to every connection, so N users
connecting together (a restart, the morning rush) cost N² frames one by one: 12.5 million
for 5,000 users. Changes go out at once while there are at most `burst` of them per
`window`; beyond that they are gathered for one `window` and sent as one
`presence_batch` event ({"changes": [{"user", "online"}, ...]}, the latest state of each
user), which every connection receives once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

WINDOW_SECONDS = 0.25
BURST = 10

Emit = Callable[[str, dict[str, Any]], None]


class PresenceBatcher:
    """Sends presence changes through `emit(event, payload)` (to every connection)."""

    def __init__(
        self,
        emit: Emit,
        start_task: Callable[..., Any],
        sleep: Callable[[float], Any],
        *,
        window: float = WINDOW_SECONDS,
        burst: int = BURST,
    ) -> None:
        self._emit = emit
        self._start_task = start_task
        self._sleep = sleep
        self.window = window
        self.burst = burst
        self._lock = threading.Lock()
        self._pending: dict[int, dict[str, Any]] | None = None
        self._sent: list[float] = []  # when the changes of the last window went out

    def announce(self, person: dict[str, Any], online: bool) -> None:
        """Tell everyone `person` ({id, username, name}) is now online or offline."""
        change = {"user": person, "online": online}
        with self._lock:
            pending = self._pending
            if pending is None:
                now = time.monotonic()
                self._sent = [t for t in self._sent if t > now - self.window]
                if len(self._sent) < self.burst:
                    self._sent.append(now)
                else:
                    pending = self._pending = {}
                    self._start_task(self._flush_later)
            if pending is not None:  # gathering: it goes out with the batch
                pending[person["id"]] = change
        if pending is None:
            self._emit("presence", change)

    def _flush_later(self) -> None:
        self._sleep(self.window)
        self.flush()

    def flush(self) -> None:
        """Send what is gathered now (a graceful stop calls this before the process ends)."""
        with self._lock:
            changes = list((self._pending or {}).values())
            self._pending = None
            self._sent = [time.monotonic()] * min(len(changes), self.burst)
        if len(changes) == 1:
            self._emit("presence", changes[0])
        elif changes:
            self._emit("presence_batch", {"changes": changes})
