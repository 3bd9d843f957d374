"""Socket.IO events. Each answers through its acknowledgement: {ok: true, ...} or
{ok: false, error: {code, message, fields?}}. The protocol is documented in docs/protocol.md.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, emit, join_room
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..errors import ApiError
from ..extensions import db, socketio
from ..i18n import negotiate
from ..models import AuthSession, User, utcnow
from ..services import messages, rooms, sessions
from ..transaction import retry_on_conflict, unit_of_work
from . import payloads
from .hub import Conn, hub, room_key, user_key

log = logging.getLogger(__name__)
RESUME_LIMIT = 500


def _sid() -> str:
    """The Socket.IO session id of this event's connection (Flask-SocketIO sets it)."""
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


def _error(exc: ApiError) -> dict[str, Any]:
    """The error acknowledgement, in the language the connection asked for."""
    conn = hub().conns.get(_sid())
    return {"ok": False, "error": exc.body(conn.lang if conn else "en")}


def acknowledged(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Run an event for a live connection; turn every failure into an error acknowledgement."""

    @functools.wraps(fn)
    def handler(*args: Any) -> dict[str, Any]:
        try:
            conn = _live_conn()
            with unit_of_work():  # the event commits once; its acknowledgement is built before
                body = fn(conn, args[0] if args else None)
            return {"ok": True, **body}
        except ApiError as exc:
            return _error(exc)
        except (OperationalError, PoolTimeout):
            log.error("database unavailable during %s", fn.__name__)
            return _error(ApiError(503, "service_unavailable", "The database is unavailable."))
        except Exception:
            log.exception("unexpected error in event %s", fn.__name__)
            return _error(ApiError(500, "internal_error", "The server failed; try again."))

    return handler


def _live_conn() -> Conn:
    conn = hub().conns.get(_sid())
    if conn is None:
        raise ApiError(401, "not_connected", "This connection is not signed in.")
    if conn.ended:
        raise ApiError(401, "token_invalid", "This token is not valid (signed out or revoked).")
    if utcnow() >= conn.expires_at:
        socketio.server.disconnect(_sid(), namespace="/")
        raise ApiError(401, "token_expired", "This session has expired; sign in again.")
    return conn


def _user(conn: Conn) -> User:
    user = db.session.get(User, conn.user_id)
    if user is None or not user.active:
        raise ApiError(401, "token_invalid", "This account is no longer active.")
    return user


class Refused(ConnectionRefusedError):
    """A refused connection whose connect_error data is exactly {code, message}."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__()
        self.error_args = body


@socketio.on("connect")
def connect(auth: Any = None) -> dict[str, Any] | None:
    """A client connects with auth={"token": ...}; it joins the channels of its rooms."""
    if _sid() in hub().conns:  # a client emitting "connect" itself: it is connected already
        return _reserved("connect")
    auth = auth if isinstance(auth, dict) else {}
    token, lang = auth.get("token"), negotiate(auth.get("lang"))
    try:
        # Refusing an expired token still removes its session (see sessions.resolve).
        with unit_of_work(keep_on=(ApiError,)):
            session = sessions.resolve(token if isinstance(token, str) else "")
            conn = _new_conn(session.user, session, lang)
        online = _register(conn)
    except ApiError as exc:
        raise Refused(exc.body(lang)) from None
    except (OperationalError, PoolTimeout):
        log.error("database unavailable during connect")
        down = ApiError(503, "service_unavailable", "The database is unavailable.")
        raise Refused(down.body(lang)) from None
    if online:
        hub().presence.announce(conn.author(), online=True)
    return None


def _register(conn: Conn) -> bool:
    """Register the connection, then read its session and rooms: a logout or membership change
    committed before the registration is seen here, one after it finds the connection."""
    live = hub()
    with live.membership_locks.hold(conn.user_id):
        online = live.add(conn)
        try:
            with unit_of_work():
                if not sessions.is_open(conn.session_id):
                    raise ApiError(
                        401, "token_invalid", "This token is not valid (signed out or revoked)."
                    )
                room_ids = rooms.room_ids_of(conn.user_id)
        except BaseException:
            live.remove(conn.sid)
            raise
        join_room(user_key(conn.user_id))
        for room_id in room_ids:
            join_room(room_key(room_id))
    return online


def _new_conn(user: User, session: AuthSession, lang: str) -> Conn:
    return Conn(
        sid=_sid(),
        user_id=user.id,
        username=user.username,
        name=user.name,
        session_id=session.id,
        expires_at=session.expires_at,
        lang=lang,
    )


@socketio.on("disconnect")
def disconnect(*_reason: Any) -> dict[str, Any] | None:
    """The last connection of a user closing tells everyone they went offline."""
    if socketio.server.manager.is_connected(_sid(), "/"):
        return _reserved("disconnect")  # emitted as an event: the connection is still open
    conn, offline = hub().remove(_sid())
    if conn is not None and offline:
        hub().announce_offline(conn.author())
    return None


def _reserved(name: str) -> dict[str, Any]:
    """A client may not emit the lifecycle events; answer as for an unknown event."""
    return _error(ApiError(404, "unknown_event", "There is no event named '%(name)s'.", name=name))


@socketio.on("send_message")
@acknowledged
def send_message(conn: Conn, data: Any) -> dict[str, Any]:
    """{message, room?, client_id?} → stored, then `receive_message` to the room's members."""
    data = payloads.as_object(data)
    text = messages.clean_text(data.get("message"))
    ref, client_id = payloads.room_ref(data, default=rooms.GENERAL), payloads.client_id(data)
    # The connection stands for an active user: deactivation closes it. No user row to load.
    # A retry (a client_id sent before) answers with the stored message, wherever it was posted.
    message, created = retry_on_conflict(
        messages.post, author=conn.author(), ref=ref, text=text, client_id=client_id
    )
    return {"message": message, "duplicate": not created}


@socketio.on("edit_message")
@acknowledged
def edit_message(conn: Conn, data: Any) -> dict[str, Any]:
    """{id, message} → the new text, then `message_updated` to the room."""
    data = payloads.as_object(data)
    text = messages.clean_text(data.get("message"))
    message = messages.edit(actor=_user(conn), message_id=payloads.message_id(data), text=text)
    return {"message": messages.public(message, message.room)}


@socketio.on("delete_message")
@acknowledged
def delete_message(conn: Conn, data: Any) -> dict[str, Any]:
    """{id} → the message is erased, then `message_deleted` to the room."""
    data = payloads.as_object(data)
    message = messages.remove(actor=_user(conn), message_id=payloads.message_id(data))
    return {"id": message.id, "room": message.room_id}


@socketio.on("resume")
@acknowledged
def resume(conn: Conn, data: Any) -> dict[str, Any]:
    """{last_ids: {room: id}} → the messages after each id, oldest first (500 per room)."""
    wanted = payloads.last_ids(payloads.as_object(data))
    user = _user(conn)
    missed: dict[str, Any] = {}
    for room_id, last in wanted.items():
        room = rooms.get_visible(room_id, user)
        found = messages.history(room=room, after=last, limit=RESUME_LIMIT + 1)
        missed[str(room_id)] = {
            "messages": [messages.public(m, room) for m in found[:RESUME_LIMIT]],
            "more": len(found) > RESUME_LIMIT,
        }
    return {"rooms": missed}


@socketio.on("join_room")
@acknowledged
def join_room_event(conn: Conn, data: Any) -> dict[str, Any]:
    """{room} → join a public room; this user's connections start receiving it."""
    return _change_membership(conn, data, rooms.join)


@socketio.on("leave_room")
@acknowledged
def leave_room_event(conn: Conn, data: Any) -> dict[str, Any]:
    """{room} → leave a room; this user's connections stop receiving it."""
    return _change_membership(conn, data, rooms.leave)


def _change_membership(conn: Conn, data: Any, change: Callable[..., Any]) -> dict[str, Any]:
    user = _user(conn)
    room = rooms.find_visible(payloads.room_ref(payloads.as_object(data)), user)
    change(user=user, room=room)
    return {"room": room.id}


@socketio.on("typing")
@acknowledged
def typing(conn: Conn, data: Any) -> dict[str, Any]:
    """{room} → `typing` {room, user} to the room's other members (rate-limited)."""
    ref = payloads.room_ref(payloads.as_object(data))
    room = messages.typing(user=_user(conn), ref=ref)
    payload = {"room": room.id, "user": conn.author()}
    emit("typing", payload, to=room_key(room.id), include_self=False)
    return {}


@socketio.on("who_is_online")
@acknowledged
def who_is_online(conn: Conn, data: Any) -> dict[str, Any]:
    """{room?} → the online members of the room (or of every room you share)."""
    data = payloads.as_object(data, allow_missing=True)
    user = _user(conn)
    if "room" in data:
        room = rooms.find_visible(payloads.room_ref(data), user)
        candidates = rooms.member_ids(room.id)
    else:
        candidates = rooms.room_mate_ids(user.id)
    return {"users": hub().online_among(candidates)}


@socketio.on("mark_read")
@acknowledged
def mark_read(conn: Conn, data: Any) -> dict[str, Any]:
    """{room, id} → remember the newest message read in the room."""
    data = payloads.as_object(data)
    user = _user(conn)
    room = rooms.find_visible(payloads.room_ref(data), user)
    rooms.mark_read(user=user, room=room, message_id=payloads.message_id(data))
    return {}


@socketio.on("*")
def unknown_event(event: str, *_args: Any) -> dict[str, Any]:
    """Any other event name gets an error acknowledgement."""
    name = event if isinstance(event, str) else "?"
    return _error(
        ApiError(404, "unknown_event", "There is no event named '%(name)s'.", name=name[:64])
    )
