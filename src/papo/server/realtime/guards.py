"""Transport guards: a packet the libraries cannot decode, or a long-polling body over the
limit, ends that one Engine.IO session with one INFO line, and the server carries on.

python-engineio and python-socketio decode what clients send in places where a failure
escapes with a traceback or, over long-polling, hangs the request (`Server.handle_request`
answers an oversized or unexpected POST with `disconnect`, which waits for the session's
queue to drain). Any client can reach them. Three guards, each installed on the server's
own objects by `papo.libpatches.guard_transport`, catch those failures where they happen:

- Socket.IO packets: the Engine.IO `message` handler is wrapped; a failure raised while
  python-socketio decodes a packet (or rejects its type) closes the session. A failure
  raised by an event handler is not ours to hide and escapes as before. A binary event or
  ack, or an attachment, closes the session at once: Papo takes no binary data, and
  python-socketio would keep every attachment such an event announces in memory.
- Engine.IO packets on a WebSocket: the transport's `wait()` reads frames with
  `websocket_reader` (hostile frames refused by their header) and checks that each text frame
  decodes; one that does not closes the session and ends the connection. (A connection
  opened directly on WebSocket is read by `realtime.websocket`, which checks the same; this
  covers upgrades from long-polling, and the library's transport when that one is off.)
- Long-polling POSTs: a body over `max_http_buffer_size` is a 413 at once; one that does
  not decode, or holds a packet type clients do not send, a 400; either closes the
  session. A chunked body (python-engineio would ignore it: it reads `Content-Length`
  bytes) is read up to the limit and handed on.

They lean on details of the library versions `papo.libpatches` pins, and the server
refuses to start on any other (tests/reliability/test_raw_packets.py and
tests/security/test_size_limits.py check them).
"""

from __future__ import annotations

import io
import json
import logging
import struct
import traceback
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from engineio import packet as eio_packet
from engineio import payload as eio_payload
from socketio import packet as sio_packet
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ... import libpatches
from ..errors import CODES
from ..i18n import negotiate, translate
from .websocket_frames import websocket_frame
from .websocket_reader import CLOSE, ClientClosed, FrameReader, Refused

log = logging.getLogger(__name__)

# What `engineio.socket.Socket.receive` accepts from a client; it refuses the rest.
CLIENT_PACKETS = {eio_packet.PONG, eio_packet.MESSAGE, eio_packet.UPGRADE, eio_packet.CLOSE}

# Socket.IO packets with attachments, by the digit that starts them; Papo's events take none.
BINARY_TYPES = {str(sio_packet.BINARY_EVENT), str(sio_packet.BINARY_ACK)}

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def _end(eio: Any, sid: str, why: str, error: BaseException | None = None) -> None:
    """Log one line and close Engine.IO session `sid` without waiting for its queue to drain
    (a long-polling client that stops polling would hold `disconnect`'s wait forever)."""
    detail = f" ({type(error).__name__}: {_short(error)})" if error is not None else ""
    log.info("closing Engine.IO session %s: %s%s", sid, why, detail)
    socket = eio.sockets.get(sid)
    if socket is not None:
        socket.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)


def _short(error: BaseException) -> str:
    """The error's message on one line, short: never the packet itself."""
    return " ".join(str(error).split())[:120]


# --- Socket.IO packets ------------------------------------------------------------------


def closing_on_undecodable(eio: Any, dispatch: Any) -> Callable[[str, Any], None]:
    """The Engine.IO `message` handler: python-socketio's `dispatch`, closing the session
    on a packet it cannot decode."""

    def on_message(eio_sid: str, data: Any) -> None:
        if _binary(data):
            socket = eio.sockets.get(eio_sid)
            if socket is not None and not socket.closing:  # (its later attachments: once)
                _end(eio, eio_sid, "binary Socket.IO packet (Papo takes none)")
            return
        try:
            dispatch(eio_sid, data)
        except Exception as exc:
            if not _raised_decoding(exc, dispatch.__func__.__code__):
                raise  # an event handler's failure: logged with its traceback as before
            _end(eio, eio_sid, "undecodable Socket.IO packet", exc)

    return on_message


def _binary(data: Any) -> bool:
    """True for a binary event or ack, or an attachment: python-socketio would buffer every
    attachment the event announces (any number) until the last one came."""
    if not isinstance(data, str):
        return True
    return data[:1] in BINARY_TYPES


def _raised_decoding(exc: Exception, dispatch_code: Any) -> bool:
    """True when `exc` came from the packet itself: raised by python-socketio's dispatch
    (an unknown or unexpected packet type) or by a Packet decoding it or its attachments."""
    frames = [frame for frame, _line in traceback.walk_tb(exc.__traceback__)]
    for at, frame in enumerate(frames):
        if frame.f_code is dispatch_code:
            callee = frames[at + 1] if at + 1 < len(frames) else None
            return callee is None or isinstance(callee.f_locals.get("self"), sio_packet.Packet)
    return False


# --- Engine.IO packets on a WebSocket ---------------------------------------------------


def checking_websocket(eio: Any, transport: Any) -> Any:
    """A subclass of WebSocket `transport` whose `wait()` drops undecodable text frames.

    python-engineio decodes each frame outside its error handling (in the Engine.IO
    socket's WebSocket handler); a frame that fails there would escape
    with a traceback and leave the session to the ping timeout. Instead the session is
    closed (Socket.IO's disconnect handlers run, Engine.IO's CLOSE is queued) and `wait()`
    returns None, what a client closing the connection looks like: the library's loop
    ends its usual way (writer stopped after the CLOSE, WebSocket closed).
    """
    limit = eio.max_http_buffer_size

    def __init__(self: Any, handler: Any, server: Any, *args: Any, **kwargs: Any) -> None:
        transport.__init__(self, handler, server, *args, **kwargs)
        self.papo_sid = getattr(getattr(handler, "__self__", None), "sid", "?")

    def wait(self: Any) -> Any:
        data = _read_frames(eio, self, limit)
        # Binary frames always decode; frames over the limit are the library's to refuse.
        if isinstance(data, str) and len(data) <= limit:
            try:
                eio_packet.Packet(encoded_packet=data)
            except Exception as exc:
                _end(eio, self.papo_sid, "undecodable Engine.IO packet", exc)
                return None
        return data

    return type("CheckedWebSocket", (transport,), {"__init__": __init__, "wait": wait})


def _read_frames(eio: Any, transport: Any, limit: int) -> Any:
    """The next message on an upgraded connection, read as `websocket_reader` reads a direct
    one (refused by its header, unmasked fast, a flood slowed); None when it ends."""
    reader = getattr(transport, "papo_reader", None)
    if reader is None:
        ws = libpatches.driver_websocket(transport)
        reader = transport.papo_reader = FrameReader(ws.raw_read, ws.raw_write, limit)
    try:
        return reader.message()
    except ClientClosed:
        return None
    except Refused as refused:
        reader.write(websocket_frame(struct.pack("!H", refused.code), CLOSE))
        _end(eio, transport.papo_sid, str(refused))
        return None


# --- Long-polling POST bodies -----------------------------------------------------------


def checking_polling_bodies(
    eio: Any, handle_request: WSGIApp, allowed_origins: Callable[[Environ], Any]
) -> WSGIApp:
    """Engine.IO's WSGI entry point `handle_request`, checking long-polling bodies first;
    `allowed_origins(environ)` is Engine.IO's own origin list (None: any)."""

    def checked(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            socket = _polling_session(eio, environ, allowed_origins)
            if socket is not None:
                refusal = _read_body(eio, socket, environ)
                if refusal is not None:
                    return _refuse(environ, start_response, refusal)
        return handle_request(environ, start_response)

    return checked


def _polling_session(eio: Any, environ: Environ, allowed_origins: Callable[[Environ], Any]) -> Any:
    """The Engine.IO socket this POST feeds, or None when Engine.IO refuses the request by
    itself before reading its body (bad origin, unknown session, upgraded, ...)."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if query.get("transport", ["polling"])[0] != "polling":
        return None
    socket = eio.sockets.get(query.get("sid", [""])[0])
    if socket is None or not socket.connected or socket.upgraded:
        return None
    origin = environ.get("HTTP_ORIGIN")
    if origin and eio.cors_allowed_origins != []:
        allowed = allowed_origins(environ)
        if allowed is not None and origin not in allowed:
            return None
    return socket


def _read_body(eio: Any, socket: Any, environ: Environ) -> int | None:
    """Read the body (at most one byte over the limit) and check that it decodes: None if
    it does (Engine.IO then reads it from memory), else the HTTP status that refuses it."""
    limit = eio.max_http_buffer_size
    stream = environ["wsgi.input"]
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared:
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            _end(eio, socket.sid, "long-polling POST with a bad Content-Length")
            return 400
        if length > limit:
            _end(eio, socket.sid, f"long-polling body of {length} bytes, over {limit}")
            return 413
        body = _read(stream, length)
    elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        body = _read(stream, limit + 1)
        if len(body) > limit:
            _end(eio, socket.sid, f"chunked long-polling body over {limit} bytes")
            return 413
    else:
        body = b""
    try:
        packets = eio_payload.Payload(encoded_payload=body.decode("utf-8")).packets
    except Exception as exc:
        _end(eio, socket.sid, "undecodable long-polling body", exc)
        return 400
    # Engine.IO answers any other packet type with disconnect(), which hangs like the above.
    if any(p.packet_type not in CLIENT_PACKETS for p in packets):
        _end(eio, socket.sid, "long-polling packet of a type clients do not send")
        return 400
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return None


def _read(stream: Any, most: int) -> bytes:
    """Up to `most` bytes of `stream` (a read may return less than asked before the end)."""
    parts: list[bytes] = []
    left = most
    while left > 0 and (part := stream.read(left)):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _refuse(environ: Environ, start_response: StartResponse, status: int) -> list[bytes]:
    """Papo's JSON error, in the language the request asks for."""
    code, message = CODES[status]
    accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    locale = negotiate([language for language, _quality in accepted])
    error = {"code": code, "message": translate(message, locale)}
    body = json.dumps({"error": error}).encode()
    reason = "Request Entity Too Large" if status == 413 else "Bad Request"
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(f"{status} {reason}", headers)
    return [body]
