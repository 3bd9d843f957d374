"""Engine.IO WebSockets served with one greenlet per connection instead of three.

python-engineio serves a WebSocket under gevent with three greenlets per connection: the
reader (the WSGI request's own), a writer that waits on a queue for every packet, and a
pinger that sleeps 25 s between Engine.IO pings. Under fan-out every delivery then costs
a queue put, two greenlet switches and a gevent `sendall` (docs/benchmarks.md, Profile),
and every idle connection keeps three greenlet stacks and a queue (docs/benchmarks.md,
Idle connections).

Here a connection that opens directly on WebSocket (Papo's clients, and any Socket.IO
client given transports=['websocket']) keeps only its reader:

- `send` frames each packet once (`websocket_frames`: a broadcast shares one packet among
  its recipients) and writes the frame straight to the non-blocking socket
  (`websocket_writer`); only what the kernel does not take waits in a backlog, and a client
  whose backlog passes `max_backlog` bytes is disconnected.
- `websocket_reader` reads the frames, refusing a hostile frame by its header (size,
  masking), unmasking fast, yielding between frames and slowing a flood.
- one `Pinger` greenlet for the whole server sends the pings in the order they fall due
  (`websocket_pings`).

A connection that starts on long-polling and upgrades keeps the library's handler (only
its pings move to the shared pinger). `papo.libpatches.serve_websockets_directly` installs
all this; the library internals it relies on are reached from there only.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from typing import Any

from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet

from ... import libpatches
from .websocket_frames import frame_of, websocket_frame
from .websocket_reader import CLOSE, ClientClosed, FrameReader, Refused
from .websocket_writer import ClosedQueue, Writer

log = logging.getLogger(__name__)

# A client this far behind (bytes queued for it) is disconnected.
MAX_BACKLOG = 8 * 1024 * 1024


class DirectWebSocket:
    """Serves one Engine.IO socket's WebSocket: directly, or the library's way on an upgrade."""

    def __init__(self, sock: Any, library: Callable[[], Any], *, max_backlog: int) -> None:
        self.sock = sock  # the Engine.IO socket this WebSocket is for
        self.library = library  # builds the library's own WebSocket handler for it
        self.max_backlog = max_backlog

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI call Engine.IO makes with the WebSocket request."""
        ws = environ.get("wsgi.websocket")
        if self.sock.connected or ws is None:  # an upgrade from long-polling: the library's way
            return self.library()(environ, start_response)
        return serve(self.sock, ws, self.max_backlog)


def serve(sock: Any, ws: Any, max_backlog: int) -> list[bytes]:
    """Read and dispatch one connection's packets until it ends; writes go through `Writer`."""
    server = sock.server
    writer = Writer(sock, *libpatches.websocket_sockets(ws), max_backlog)
    for pkt in libpatches.write_through(sock, ws, writer, ClosedQueue(writer)):
        if pkt is not None:
            writer.write(frame_of(pkt))
    try:
        _read(sock, ws, writer, server.max_http_buffer_size)
    finally:
        sock.close(wait=False, abort=True, reason=server.reason.TRANSPORT_CLOSE)
        writer.end()
    return []


def _read(sock: Any, ws: Any, writer: Writer, limit: int) -> None:
    reader = FrameReader(ws.raw_read, writer.write, limit)
    while True:
        try:
            data = reader.message()
        except ClientClosed:
            return
        except Refused as refused:
            log.info("closing Engine.IO session %s: %s", sock.sid, refused)
            writer.write(websocket_frame(struct.pack("!H", refused.code), CLOSE))
            return
        except Exception as exc:  # the connection broke, or was shut by the writer
            if not sock.closed:
                log.info("closing Engine.IO session %s: %s", sock.sid, type(exc).__name__)
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
        if sock.closing or sock.closed:  # closed by a guard: what follows is not read
            return
