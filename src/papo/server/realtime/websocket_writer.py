"""Writes one WebSocket connection's frames straight to its non-blocking socket.

Only when the kernel's buffer is full does the rest wait in the connection's backlog,
written by a greenlet that lives while there is a backlog. A client that lets its backlog
pass the limit is disconnected rather than allowed to grow the server's memory.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import socket as stdlib_socket
from typing import Any

import gevent

from .websocket_frames import frame_of

log = logging.getLogger(__name__)

# How long a closing connection may take to write what is still queued for it.
CLOSE_FLUSH_SECONDS = 5.0


class ClosedQueue:
    """Stands in for a served connection's packet queue, which nothing reads any more."""

    __slots__ = ("writer",)

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def put(self, item: Any) -> None:
        """What the library queues: a packet to send, or None when the connection closes."""
        if item is None:
            self.writer.end()
        else:
            self.writer.send(item)

    def join(self) -> None:
        """Wait (briefly) until what is queued is written, as the library's close() does."""
        self.writer.wait_flushed(CLOSE_FLUSH_SECONDS)

    def empty(self) -> bool:
        """Nothing ever waits here: frames are written or in the writer's backlog."""
        return True


class Writer:
    """Writes one connection's frames, in order, without blocking whoever sends them."""

    __slots__ = ("backlog", "ended", "flusher", "gsock", "limit", "queued", "raw", "sock")

    def __init__(self, sock: Any, gsock: Any, raw: Any, limit: int) -> None:
        self.sock = sock  # the Engine.IO socket
        self.gsock = gsock  # gevent's socket: cooperative sendall for the backlog
        self.raw: Any = raw  # the non-blocking OS socket under it
        self.backlog: collections.deque[bytes | memoryview] | None = None
        self.queued = 0
        self.flusher: gevent.Greenlet | None = None
        self.limit = limit
        self.ended = False

    def send(self, pkt: Any) -> None:
        """Replaces `Socket.send`: the same ping-timeout check, then the frame goes out."""
        if not self.sock.check_ping_timeout():
            return
        self.write(frame_of(pkt))

    def write(self, frame: bytes | memoryview) -> None:
        """Write now what the kernel takes; queue the rest behind anything queued."""
        if self.raw is None:  # shut: the connection is ending
            return
        if self.backlog is None:
            try:
                sent = self.raw.send(frame)
            except BlockingIOError:
                sent = 0
            except OSError:
                self._broken("write failed")
                return
            if sent == len(frame):
                return
            frame = memoryview(frame)[sent:]
            self.backlog = collections.deque()
            self.flusher = gevent.spawn(self._flush)
        self.backlog.append(frame)
        self.queued += len(frame)
        if self.queued > self.limit:
            self._broken(f"client too slow: {self.queued} bytes queued")

    def _flush(self) -> None:
        try:
            while self.backlog:
                frame = self.backlog.popleft()
                self.queued -= len(frame)
                self.gsock.sendall(frame)
        except OSError:
            self._broken("write failed")
        finally:
            self.backlog, self.flusher, self.queued = None, None, 0
            if self.ended:
                self._shut()

    def wait_flushed(self, seconds: float) -> None:
        """Wait up to `seconds` for the backlog to be written (not from the flusher itself)."""
        flusher = self.flusher
        if flusher is not None and flusher is not gevent.getcurrent():
            flusher.join(timeout=seconds)

    def end(self) -> None:
        """The connection is closing: write what is queued (briefly), then shut it."""
        if self.ended:
            return
        self.ended = True
        if self.flusher is None:
            self._shut()
        else:
            gevent.spawn_later(CLOSE_FLUSH_SECONDS, self._shut)

    def _broken(self, why: str) -> None:
        log.info("closing Engine.IO session %s: %s", self.sock.sid, why)
        if self.backlog is not None:
            self.backlog.clear()
            self.queued = 0
        self.ended = True
        self._shut()

    def _shut(self) -> None:
        """Shut the OS socket both ways: the reader sees the end and cleans up."""
        raw, self.raw = self.raw, None
        if raw is not None:
            with contextlib.suppress(OSError):  # already gone
                raw.shutdown(stdlib_socket.SHUT_RDWR)
