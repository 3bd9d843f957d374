"""A clock that moves only when a test says so."""

from __future__ import annotations


class FakeClock:
    """Stands in for `time.monotonic`: call it for the time, `advance` it to move on."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the time forward by `seconds`."""
        self.now += seconds
