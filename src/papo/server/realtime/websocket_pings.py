"""One greenlet sending every WebSocket connection's Engine.IO pings, in the order they fall due."""

from __future__ import annotations

import collections
import logging
import time
from typing import Any

import gevent
from engineio import packet as eio_packet

from ... import libpatches

log = logging.getLogger(__name__)

PING = eio_packet.Packet(eio_packet.PING)  # every ping is the same frame


class Pinger:
    """Sends the pings of every connection of one Engine.IO server.

    python-engineio spawns a greenlet per ping (it sleeps `ping_interval`, then sends);
    the interval is the same for every connection, so the order they were scheduled in
    is the order they fall due, and one queue replaces them all.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.due: collections.deque[tuple[float, Any]] = collections.deque()
        self.task: gevent.Greenlet | None = None

    def schedule(self, sock: Any) -> None:
        """Ping Engine.IO socket `sock` one interval from now."""
        self.due.append((time.monotonic() + self.interval, sock))
        if self.task is None:
            self.task = gevent.spawn(self._run)

    def _run(self) -> None:
        while True:
            if not self.due:
                gevent.sleep(self.interval)
                continue
            at, sock = self.due[0]
            wait = at - time.monotonic()
            if wait > 0:
                gevent.sleep(wait)
                continue
            self.due.popleft()
            try:
                libpatches.ping(sock, PING)
            except Exception as exc:  # one connection's failure must not stop the pings
                log.info("ping to Engine.IO session %s failed: %s", sock.sid, exc)
