"""The live connections of this process: who is connected, in which rooms, and online."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_socketio import SocketIO

from .directory import LocalDirectory, RedisDirectory
from .presence import PresenceBatcher

NAMESPACE = "/"
# A session ended while one of its connections is still being accepted: how often (every
# 10 ms) to look whether Socket.IO has finished accepting it, so it can be disconnected.
ACCEPT_WAITS = 500


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
    lang: str = "en"
    ended: bool = False  # its session ended while Socket.IO was still accepting it

    def author(self) -> dict:
        """The user as other clients see them."""
        return {"id": self.user_id, "username": self.username, "name": self.name}


class UserLocks:
    """One lock per user, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, user_id: int) -> Iterator[None]:
        """Hold the user's lock for the block."""
        with self._guard:
            lock, users = self._locks.get(user_id, (threading.Lock(), 0))
            self._locks[user_id] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks.pop(user_id)
                if users > 1:
                    self._locks[user_id] = (lock, users - 1)


@dataclass
class Hub:
    """This process's connections (by sid) over the directory of everyone's (by user)."""

    socketio: SocketIO
    directory: LocalDirectory | RedisDirectory = field(default_factory=LocalDirectory)
    conns: dict[str, Conn] = field(default_factory=dict)
    presence: PresenceBatcher = field(init=False)
    # Held while a user's connections are put in or out of room channels (connecting, or a
    # membership change), so the last to act has read the last committed membership.
    membership_locks: UserLocks = field(default_factory=UserLocks)

    def __post_init__(self) -> None:
        self.presence = PresenceBatcher(
            lambda event, payload: self.socketio.emit(event, payload, namespace=NAMESPACE),
            self.socketio.start_background_task,
            self.socketio.sleep,
        )

    def start(self) -> None:
        """Start the directory's background work (heartbeat, reaping dead processes)."""
        self.directory.start(self)

    def shutdown(self) -> None:
        """Forget this process's connections, announcing who went offline (graceful stop)."""
        for sid in list(self.conns):
            conn, offline = self.remove(sid)
            if conn is not None and offline:
                self.announce_offline(conn.author())
        self.presence.flush()
        self.directory.stop()

    def add(self, conn: Conn) -> bool:
        """Register a connection; True when its user just came online."""
        self.conns[conn.sid] = conn
        return self.directory.add(conn.sid, conn.user_id, conn.session_id, conn.author())

    def remove(self, sid: str) -> tuple[Conn | None, bool]:
        """Forget a connection; the flag is True when its user just went offline."""
        conn = self.conns.pop(sid, None)
        if conn is None:
            return None, False
        return conn, self.directory.remove(sid, conn.user_id)

    def is_online(self, user_id: int) -> bool:
        """True while the user has at least one live connection."""
        return bool(self.directory.online([user_id]))

    def online_among(self, user_ids: list[int]) -> list[int]:
        """Return those of `user_ids` who are online."""
        return self.directory.online(user_ids)

    def follow_membership(self, room_id: int, user_id: int, member_now: Callable[[], bool]) -> None:
        """Put the user's connections, on any process, in the room's channel or out of it, as
        `member_now()` (the committed membership, read under the user's lock) says."""
        with self.membership_locks.hold(user_id):
            sids = self.directory.connections_of(user_id)
            if not sids:  # nobody to move (a connection arriving later reads its rooms itself)
                return
            member = member_now()
            server = self.socketio.server
            move = server.enter_room if member else server.leave_room
            for sid in sids:
                move(sid, room_key(room_id), namespace=NAMESPACE)
            self._tell_user(user_id, room_id, member=member)

    def _tell_user(self, user_id: int, room_id: int, *, member: bool) -> None:
        payload = {"room": room_id, "member": member}
        self.socketio.emit("membership", payload, to=user_key(user_id), namespace=NAMESPACE)

    def drop_user(self, user_id: int, keep_session: int | None = None) -> None:
        """Disconnect the user's connections, except those of `keep_session`."""
        for sid, session_id in self.directory.connections_of(user_id).items():
            if session_id != keep_session:
                self._disconnect(sid)

    def drop_session(self, session_id: int, user_id: int) -> None:
        """Disconnect the connections opened with one session."""
        for sid, owner_session in self.directory.connections_of(user_id).items():
            if owner_session == session_id:
                self._disconnect(sid)

    def _disconnect(self, sid: str) -> None:
        # While its connect handler runs, Socket.IO ignores a disconnect: wait until it is done.
        if self.socketio.server.manager.is_pre_connected(sid, NAMESPACE):
            if sid in self.conns:  # its events are refused until it is gone
                self.conns[sid].ended = True
            self.socketio.start_background_task(self._disconnect_once_accepted, sid)
        else:
            self.socketio.server.disconnect(sid, namespace=NAMESPACE)

    def _disconnect_once_accepted(self, sid: str) -> None:
        for _ in range(ACCEPT_WAITS):
            if not self.socketio.server.manager.is_pre_connected(sid, NAMESPACE):
                break
            self.socketio.sleep(0.01)
        self.socketio.server.disconnect(sid, namespace=NAMESPACE)

    def rename(self, user_id: int, username: str, name: str) -> None:
        """Update the name carried by the user's connections, on every process."""
        self.directory.rename(user_id, username, name, self.apply_rename)

    def apply_rename(self, user_id: int, username: str, name: str) -> None:
        """Update the name carried by the user's connections in this process."""
        for conn in self.conns.values():
            if conn.user_id == user_id:
                conn.username, conn.name = username, name

    def announce_offline(self, person: dict) -> None:
        """Tell everyone this user has no connection left."""
        self.presence.announce(person, online=False)

    def emit_to_room(self, event: str, payload: dict, room_id: int) -> None:
        """Send an event to every connection in the room's channel."""
        self.socketio.emit(event, payload, to=room_key(room_id), namespace=NAMESPACE)


def hub() -> Hub:
    """Return the current app's hub."""
    return current_app.extensions["papo.hub"]
