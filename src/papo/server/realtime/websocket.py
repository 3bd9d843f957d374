"""Engine.IO WebSockets served with one greenlet per connection instead of three.

python-engineio serves a WebSocket under gevent with three greenlets per connection: the
reader (the WSGI request's own), a writer that waits on a queue for every packet, and a
pinger that sleeps 25 s between Engine.IO pings. Under fan-out every delivery then costs
a queue put, two greenlet switches and a gevent `sendall` (docs/benchmarks.md, Profile),
and every idle connection keeps three greenlet stacks and a queue (docs/benchmarks.md,
Idle connections).

Here a connection that opens directly on WebSocket (Papo's clients, and any Socket.IO
client given transports=['websocket']) keeps only its reader:

- `send` frames each packet once (a broadcast shares one packet among its recipients)
  and writes the frame straight to the non-blocking socket. Only when the kernel's buffer
  is full does the rest wait in the connection's backlog, written by a greenlet that lives
  while there is a backlog. A client that lets its backlog pass `max_backlog` bytes is
  disconnected rather than allowed to grow the server's memory.
- one `Pinger` greenlet for the whole server sends the pings in the order they fall due.

A connection that starts on long-polling and upgrades keeps the library's handler (only
its pings move to the shared pinger). The library internals used here (`Socket.send`,
`close`, `schedule_ping`, `queue`, the `websocket` entry of the async driver) are those of
the versions in `SUPPORTED`; with any other the server logs a warning and runs the
library's own way.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import socket as stdlib_socket
import struct
import time
from functools import partial
from importlib import metadata
from typing import Any

import gevent
from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet
from engineio import socket as eio_socket

log = logging.getLogger(__name__)

# Versions whose internals this module was checked against: [lowest, first unsupported).
SUPPORTED = ((4, 11), (5, 0))
# A client this far behind (bytes queued for it) is disconnected.
MAX_BACKLOG = 8 * 1024 * 1024
# How long a closing connection may take to write what is still queued for it.
CLOSE_FLUSH_SECONDS = 5.0


def install(eio: Any, *, max_backlog: int = MAX_BACKLOG) -> bool:
    """Serve `eio`'s (an engineio.Server) WebSockets this way; False if left as it was."""
    version = metadata.version("python-engineio")
    parts = tuple(int(p) if p.isdigit() else 0 for p in version.split(".")[:2])
    if eio.async_mode != "gevent" or not SUPPORTED[0] <= parts < SUPPORTED[1]:
        if eio.async_mode == "gevent":
            log.warning("direct WebSocket writes off: python-engineio %s not supported", version)
        return False
    library = eio._async.get("websocket")
    if library is None or library.__module__ == "engineio.async_drivers._websocket_wsgi":
        return False  # simple-websocket instead of gevent-websocket: not this transport
    eio.papo_pinger = Pinger(eio)
    websocket = partial(DirectWebSocket, library=library, max_backlog=max_backlog)
    eio._async = {**eio._async, "websocket": websocket}
    _route_pings_to_pinger()
    return True


# --- frames -----------------------------------------------------------------------------


def frame_of(pkt: eio_packet.Packet) -> bytes:
    """The WebSocket frame carrying `pkt`, built once per packet object."""
    frame = getattr(pkt, "papo_frame", None)
    if frame is None:
        data = pkt.encode()
        if isinstance(data, str):
            frame = websocket_frame(data.encode(), 0x1)
        else:
            frame = websocket_frame(bytes(data), 0x2)
        pkt.papo_frame = frame
    return frame


def websocket_frame(payload: bytes, opcode: int) -> bytes:
    """One final, unmasked frame (RFC 6455 §5.2: servers never mask)."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return header + payload


# --- one connection ----------------------------------------------------------------------


class _Closed:
    """Stands in for a served connection's packet queue, which nothing reads any more."""

    __slots__ = ("writer",)

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def put(self, item: Any) -> None:
        if item is None:  # the library's way of saying the connection is closing
            self.writer.end()
        else:
            self.writer.send(item)

    def join(self) -> None:
        self.writer.wait_flushed(CLOSE_FLUSH_SECONDS)

    def empty(self) -> bool:
        return True


class Writer:
    """Writes one connection's frames, in order, without blocking whoever sends them."""

    __slots__ = ("backlog", "ended", "flusher", "gsock", "limit", "queued", "raw", "sock")

    def __init__(self, sock: eio_socket.Socket, gsock: Any, limit: int) -> None:
        self.sock = sock
        self.gsock = gsock  # gevent's socket: cooperative sendall for the backlog
        self.raw = gsock._sock  # the non-blocking OS socket under it
        self.backlog: collections.deque | None = None
        self.queued = 0
        self.flusher: gevent.Greenlet | None = None
        self.limit = limit
        self.ended = False

    def send(self, pkt: eio_packet.Packet) -> None:
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


class DirectWebSocket:
    """The `websocket` entry of the Engine.IO async driver, called once per connection."""

    def __init__(self, handler: Any, server: Any, *, library: Any, max_backlog: int) -> None:
        self.handler = handler  # engineio Socket._websocket_handler, bound to its socket
        self.server = server
        self.library = library
        self.max_backlog = max_backlog

    def __call__(self, environ: dict, start_response: Any) -> Any:
        sock = self.handler.__self__
        ws = environ.get("wsgi.websocket")
        if sock.connected or ws is None:  # an upgrade from long-polling: the library's way
            return self.library(self.handler, self.server)(environ, start_response)
        return serve(sock, ws, self.max_backlog)


def serve(sock: eio_socket.Socket, ws: Any, max_backlog: int) -> list:
    """Read and dispatch one connection's packets until it ends; writes go through `Writer`."""
    server = sock.server
    writer = Writer(sock, ws.handler.socket, max_backlog)
    ws.raw_write = writer.write  # gevent-websocket's own frames (pong, close) queue in order
    pending = []
    while not sock.queue.empty():  # the OPEN packet, queued before the upgrade
        pending.append(sock.queue.get_nowait())
    sock.queue = _Closed(writer)
    sock.send = writer.send
    sock.connected = sock.upgraded = True
    for pkt in pending:
        if pkt is not None:
            writer.write(frame_of(pkt))
    try:
        _read(sock, ws, server.max_http_buffer_size)
    finally:
        sock.close(wait=False, abort=True, reason=server.reason.TRANSPORT_CLOSE)
        writer.end()
    return []


def _read(sock: eio_socket.Socket, ws: Any, limit: int) -> None:
    while True:
        try:
            data = ws.receive()
        except Exception as exc:  # the connection broke, or was shut by the writer
            if not sock.closed:
                log.info("closing Engine.IO session %s: %s", sock.sid, type(exc).__name__)
            return
        if data is None:  # closed by the client
            return
        if len(data) > limit:
            log.info("closing Engine.IO session %s: packet over %d bytes", sock.sid, limit)
            return
        try:
            pkt = eio_packet.Packet(encoded_packet=data)
        except Exception as exc:
            log.info(
                "closing Engine.IO session %s: undecodable Engine.IO packet (%s)",
                sock.sid,
                type(exc).__name__,
            )
            return
        try:
            sock.receive(pkt)
        except eio_exceptions.UnknownPacketError:
            pass  # as the library: a packet type a client does not send is ignored
        except eio_exceptions.SocketIsClosedError:
            return


# --- pings --------------------------------------------------------------------------------


PING = eio_packet.Packet(eio_packet.PING)  # every ping is the same frame


class Pinger:
    """One greenlet sending every connection's Engine.IO pings, in the order they fall due.

    python-engineio spawns a greenlet per ping (it sleeps `ping_interval`, then sends);
    the interval is the same for every connection, so the order they were scheduled in
    is the order they fall due, and one queue replaces them all.
    """

    def __init__(self, eio: Any) -> None:
        self.eio = eio
        self.due: collections.deque = collections.deque()
        self.task: gevent.Greenlet | None = None

    def schedule(self, sock: eio_socket.Socket) -> None:
        self.due.append((time.monotonic() + self.eio.ping_interval, sock))
        if self.task is None:
            self.task = gevent.spawn(self._run)

    def _run(self) -> None:
        while True:
            if not self.due:
                gevent.sleep(self.eio.ping_interval)
                continue
            at, sock = self.due[0]
            wait = at - time.monotonic()
            if wait > 0:
                gevent.sleep(wait)
                continue
            self.due.popleft()
            if sock.closing or sock.closed:
                continue
            sock.last_ping = time.time()
            try:
                sock.send(PING)
            except Exception as exc:  # one connection's failure must not stop the pings
                log.info("ping to Engine.IO session %s failed: %s", sock.sid, exc)


def _route_pings_to_pinger() -> None:
    """Make `Socket.schedule_ping` use its server's pinger when the server has one."""
    library = eio_socket.Socket.schedule_ping
    if getattr(library, "papo_pinger", False):
        return

    def schedule_ping(self: eio_socket.Socket) -> None:
        pinger = getattr(self.server, "papo_pinger", None)
        if pinger is None:
            return library(self)
        if self.last_ping:  # as the library: only once the previous ping was answered
            self.last_ping = None
            pinger.schedule(self)
        return None

    schedule_ping.papo_pinger = True
    eio_socket.Socket.schedule_ping = schedule_ping
