"""Every patch of library internals, each with its reason, behind one version check.

Papo needs a few things python-engineio, python-socketio, gevent and gevent-websocket have
no public hook for: answering malformed packets instead of raising, serving a WebSocket
with one greenlet instead of three, stopping the desktop client's reconnect loop. The code
that does the work lives in `papo.server.realtime` (guards, websocket*); everything that
reaches into a library's private names or replaces a library's attribute is here, and
nothing else in src/papo does (tests/test_libpatches.py checks).

The patches were read against, and are tested on, exactly the versions uv.lock pins,
below. `check_server()` (create_app) and `check_client()` (the client's start) refuse to
run on any other: a patch that no longer fits would fail quietly, under load, not here.

This module imports no library at import time: the desktop client is installed without the
server's dependencies, and the server patches import theirs when they are installed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

# The versions uv.lock pins (tests/test_libpatches.py compares). After a bump, read each
# patch below against the new version, run tests/reliability and tests/chat, then update.
SERVER_LIBRARIES = {
    "python-engineio": "4.15.1",
    "python-socketio": "5.18.1",
    "gevent": "26.9.0",
    "gevent-websocket": "0.10.1",
}
CLIENT_LIBRARIES = {"python-socketio": "5.18.1"}

# gevent-websocket's driver is replaced; simple-websocket's (no gevent-websocket) is left alone.
SIMPLE_WEBSOCKET_DRIVER = "engineio.async_drivers._websocket_wsgi"

AckBody = Callable[[str | None], dict[str, Any]]


class UnsupportedLibrary(RuntimeError):
    """An installed library is not the version Papo's patches of its internals were made for."""


def check_server() -> None:
    """Refuse to start the server on library versions the patches were not made for."""
    _check(SERVER_LIBRARIES)


def check_client() -> None:
    """Refuse to start the desktop client on library versions the patches were not made for."""
    _check(CLIENT_LIBRARIES)


def _check(libraries: dict[str, str]) -> None:
    for name, supported in libraries.items():
        try:
            installed = f"{name} {metadata.version(name)} is installed"
        except metadata.PackageNotFoundError:
            installed = f"{name} is not installed"
        if installed != f"{name} {supported} is installed":
            raise UnsupportedLibrary(
                f"Papo cannot start: {installed}, but Papo patches internals of {name} "
                f"(src/papo/libpatches.py) that were checked and tested on {name} {supported} "
                "only, the version uv.lock pins. Install the pinned versions with `make install` "
                f"(or `uv sync --frozen`; with pip, `pip install {name}=={supported}`), then "
                "start again; to move Papo to another version, re-check each patch there "
                "against it and update its pinned versions."
            )


# --- the server: Socket.IO event names ----------------------------------------------------


def answer_unknown_events(server: Any, ack_body: AckBody) -> None:
    """Answer events whose name is not text or is "*" with `ack_body(sid)` (python-socketio
    raises on the first and calls the catch-all handler without the name on the second)."""
    from socketio import packet

    # python-socketio has no hook between decoding an event and dispatching it but this method.
    handle = server._handle_event

    def guarded(eio_sid: str, namespace: str | None, id: int | None, data: Any) -> None:
        if isinstance(data, list) and data and isinstance(data[0], str) and data[0] != "*":
            handle(eio_sid, namespace, id, data)
        elif id is not None:
            namespace = namespace or "/"
            body = ack_body(server.manager.sid_from_eio_sid(eio_sid, namespace))
            ack = server.packet_class(packet.ACK, namespace=namespace, id=id, data=[body])
            server._send_packet(eio_sid, ack)  # what python-socketio sends its own acks with

    server._handle_event = guarded


# --- the server: transport guards (papo.server.realtime.guards) ---------------------------


def guard_transport(server: Any) -> None:
    """Install the three transport guards on `server` (python-socketio) and its Engine.IO."""
    from .server.realtime import guards

    eio = server.eio
    # A Socket.IO packet is decoded inside python-socketio's own Engine.IO message handler,
    # a private method: wrapping it is the only place its decoding failures can be caught,
    # and where binary packets are refused before it buffers their attachments (in
    # `Server._binary_packet`, until as many as the event announces have come).
    eio.on("message", guards.closing_on_undecodable(eio, server._handle_eio_message))
    # Engine.IO decodes WebSocket frames outside its error handling; the transport class is
    # a private entry of its async driver table, so the checking subclass goes there.
    transport = eio._async.get("websocket")
    if transport is not None:  # (this async mode serves no WebSocket)
        checked = guards.checking_websocket(eio, transport)
        eio._async = {**eio._async, "websocket": checked}
    # Engine.IO's WSGI entry reads a long-polling body before any size check; the guard in
    # front of it needs the server's origin check, a private method, to refuse as it would.
    eio.handle_request = guards.checking_polling_bodies(
        eio, eio.handle_request, eio._cors_allowed_origins
    )


# --- the server: WebSockets with one greenlet (papo.server.realtime.websocket*) ----------


def serve_websockets_directly(eio: Any, *, max_backlog: int) -> Any:
    """Serve `eio`'s (an engineio.Server) WebSockets with one greenlet each; return the
    Pinger now sending its pings, or None if left as it was (not gevent, or simple-websocket
    instead of gevent-websocket)."""
    if eio.async_mode != "gevent":
        return None
    # The driver that serves a WebSocket is a private entry of Engine.IO's driver table.
    library = eio._async.get("websocket")
    if library is None or getattr(library, "__module__", "") == SIMPLE_WEBSOCKET_DRIVER:
        return None
    from .server.realtime.websocket import DirectWebSocket
    from .server.realtime.websocket_pings import Pinger

    def driver(handler: Any, server: Any) -> DirectWebSocket:
        # Engine.IO calls its driver with Socket._websocket_handler, bound to the connection.
        sock = handler.__self__
        return DirectWebSocket(sock, lambda: library(handler, server), max_backlog=max_backlog)

    eio._async = {**eio._async, "websocket": driver}
    pinger = Pinger(eio.ping_interval)
    _route_pings(eio, pinger)
    return pinger


def _route_pings(eio: Any, pinger: Any) -> None:
    """Send `eio`'s Engine.IO pings from `pinger` instead of one greenlet per ping."""
    from engineio import socket as eio_socket

    # Socket.schedule_ping spawns the private Socket._send_ping through its server's
    # start_background_task: only this server's is wrapped, nothing process-wide.
    send_ping = eio_socket.Socket._send_ping
    start = eio.start_background_task

    def start_background_task(target: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(target, "__func__", None) is send_ping:
            pinger.schedule(target.__self__)
            return None
        return start(target, *args, **kwargs)

    eio.start_background_task = start_background_task


def ping(sock: Any, pkt: Any) -> None:
    """Send Engine.IO socket `sock` its ping `pkt`, as Socket._send_ping does after its sleep."""
    if sock.closing or sock.closed:
        return
    sock.last_ping = time.time()  # the library's ping-timeout check reads it
    sock.send(pkt)


def websocket_sockets(ws: Any) -> tuple[Any, Any]:
    """gevent-websocket's connection `ws`: its gevent socket and the OS socket under it."""
    gsock = ws.handler.socket
    # gevent keeps the non-blocking OS socket in `_sock`: a frame the kernel takes at once is
    # written with no greenlet switch; only a backlog goes through gevent's sendall.
    return gsock, gsock._sock


def driver_websocket(driver: Any) -> Any:
    """The gevent-websocket connection under python-engineio's gevent WebSocket driver."""
    # The driver keeps it in `_sock` once called; its `wait()` would read it the library's way.
    return driver._sock


def write_through(sock: Any, ws: Any, writer: Any, queue: Any) -> list[Any]:
    """Make `writer` write every frame of Engine.IO socket `sock` (opened on WebSocket `ws`)
    instead of the library's writer greenlet; return the packets queued before."""
    ws.raw_write = writer.write  # gevent-websocket's own frames (pong, close) queue in order
    pending = []
    while not sock.queue.empty():  # the OPEN packet, queued before the WebSocket was served
        pending.append(sock.queue.get_nowait())
    sock.queue = queue  # stands in for the queue nothing reads any more (close() uses it)
    sock.send = writer.send
    sock.connected = sock.upgraded = True  # what the library's WebSocket handler sets
    return pending


# --- the desktop client ------------------------------------------------------------------


def stop_reconnecting(sio: Any) -> None:
    """End python-socketio client `sio`'s reconnect loop at its next wait, from any thread."""
    # Client.shutdown() would join the reconnect task, which may be the calling thread;
    # setting the private abort event is what shutdown() itself does first.
    abort = sio._reconnect_abort
    if abort is not None:  # (None until the first reconnection)
        abort.set()
