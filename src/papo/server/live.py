"""The live connections of this process: who is connected, in which rooms, and online."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_socketio import SocketIO

from .throttle import TokenBucket

NAMESPACE = "/"


def room_key(room_id: int) -> str:
    """The Socket.IO room that carries a chat room's events."""
    return f"room:{room_id}"


def user_key(user_id: int) -> str:
    """The Socket.IO room holding every connection of one user."""
    return f"user:{user_id}"


@dataclass
class Conn:
    """One authenticated Socket.IO connection."""

    sid: str
    user_id: int
    username: str
    name: str
    session_id: int
    expires_at: datetime
    send_bucket: TokenBucket
    typing_bucket: TokenBucket
    lang: str = "en"

    def author(self) -> dict:
        """The user as other clients see them."""
        return {"id": self.user_id, "username": self.username, "name": self.name}


@dataclass
class Hub:
    """Connections of this process, indexed by sid and by user."""

    socketio: SocketIO
    conns: dict[str, Conn] = field(default_factory=dict)
    by_user: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, conn: Conn) -> bool:
        """Register a connection; True when its user just came online."""
        self.conns[conn.sid] = conn
        sids = self.by_user[conn.user_id]
        sids.add(conn.sid)
        return len(sids) == 1

    def remove(self, sid: str) -> tuple[Conn | None, bool]:
        """Forget a connection; the flag is True when its user just went offline."""
        conn = self.conns.pop(sid, None)
        if conn is None:
            return None, False
        sids = self.by_user.get(conn.user_id, set())
        sids.discard(sid)
        if not sids:
            self.by_user.pop(conn.user_id, None)
            return conn, True
        return conn, False

    def is_online(self, user_id: int) -> bool:
        """True while the user has at least one live connection."""
        return bool(self.by_user.get(user_id))

    def online_among(self, user_ids: list[int]) -> list[int]:
        """Return those of `user_ids` who are online."""
        return [uid for uid in user_ids if self.is_online(uid)]

    def user_joined(self, room_id: int, user_id: int) -> None:
        """Put the user's connections in the room's channel."""
        for sid in list(self.by_user.get(user_id, ())):
            self.socketio.server.enter_room(sid, room_key(room_id), namespace=NAMESPACE)
        self._tell_user(user_id, room_id, member=True)

    def user_left(self, room_id: int, user_id: int) -> None:
        """Take the user's connections out of the room's channel."""
        for sid in list(self.by_user.get(user_id, ())):
            self.socketio.server.leave_room(sid, room_key(room_id), namespace=NAMESPACE)
        self._tell_user(user_id, room_id, member=False)

    def _tell_user(self, user_id: int, room_id: int, *, member: bool) -> None:
        payload = {"room": room_id, "member": member}
        self.socketio.emit("membership", payload, to=user_key(user_id), namespace=NAMESPACE)

    def drop_user(self, user_id: int, keep_session: int | None = None) -> None:
        """Disconnect the user's connections, except those of `keep_session`."""
        for sid in list(self.by_user.get(user_id, ())):
            if self.conns[sid].session_id != keep_session:
                self.socketio.server.disconnect(sid, namespace=NAMESPACE)

    def drop_session(self, session_id: int) -> None:
        """Disconnect the connections opened with one session."""
        for sid, conn in list(self.conns.items()):
            if conn.session_id == session_id:
                self.socketio.server.disconnect(sid, namespace=NAMESPACE)

    def rename(self, user_id: int, username: str, name: str) -> None:
        """Update the name carried by the user's connections."""
        for sid in self.by_user.get(user_id, ()):
            self.conns[sid].username, self.conns[sid].name = username, name

    def emit_to_room(self, event: str, payload: dict, room_id: int) -> None:
        """Send an event to every connection in the room's channel."""
        self.socketio.emit(event, payload, to=room_key(room_id), namespace=NAMESPACE)


def hub() -> Hub:
    """Return the current app's hub."""
    return current_app.extensions["papo.hub"]
