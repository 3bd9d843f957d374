"""What the client knows: rooms, messages, unread counts, presence, typing, the outbox and
the link to the server. Plain data with the rules for merging what arrives (no tkinter).

Every change records a topic in `changes` (("rooms",), ("messages", room_id), …) so that the
views redraw only what changed.
"""

from __future__ import annotations

import threading
import uuid
from bisect import insort
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

from .i18n import N_, Lazy, _

TYPING_SHOWN_FOR = 4.0  # seconds a "typing" notice stays without a new one

CONNECTING, CONNECTED, RECONNECTING, OFFLINE = "connecting", "connected", "reconnecting", "offline"


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass
class Message:
    """One message as the conversation shows it; `pending` until the server stored it."""

    id: int
    room: int
    seq: int
    author: dict | None
    text: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    client_id: str | None = None
    pending: bool = False
    failed: str = ""

    @classmethod
    def from_payload(cls, data: dict) -> Message:
        """Build a message from the server's public shape."""
        return cls(
            id=data["id"],
            room=data["room"],
            seq=data["seq"],
            author=data.get("author"),
            text=data.get("message", ""),
            created_at=_when(data["created_at"]) or datetime.now().astimezone(),
            edited_at=_when(data.get("edited_at")),
            deleted=bool(data.get("deleted")),
            client_id=data.get("client_id"),
        )

    @property
    def author_id(self) -> int | None:
        """The author's user id (None for a deleted account)."""
        return self.author["id"] if self.author else None

    @property
    def author_name(self) -> str:
        """The author's display name."""
        return self.author["name"] if self.author else _("(deleted user)")


@dataclass
class Room:
    """A channel or a direct conversation, as this user sees it."""

    id: int
    name: str
    kind: str = "channel"
    topic: str = ""
    private: bool = False
    member: bool = True
    unread: int = 0
    last_read_id: int = 0
    last_message_id: int = 0
    peer: dict | None = None

    @classmethod
    def from_payload(cls, data: dict) -> Room:
        """Build a room from GET /rooms."""
        names = ("id", "name", "kind", "topic", "private", "member", "unread")
        room = cls(**{k: data[k] for k in names if k in data})
        room.last_read_id = data.get("last_read_id") or 0
        room.last_message_id = data.get("last_message_id") or 0
        room.peer = data.get("peer")
        return room

    @property
    def is_direct(self) -> bool:
        """True for a conversation between two people."""
        return self.kind == "direct"

    @property
    def title(self) -> str:
        """How the room list names it: #channel or the other person's name."""
        if self.is_direct and self.peer:
            return self.peer.get("name") or self.peer.get("username", "?")
        return f"#{self.name}"


@dataclass
class RoomLog:
    """The messages held for one room, by id, and how far back history was loaded."""

    messages: dict[int, Message] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    loaded: bool = False
    more_before: bool = True
    loading_before: bool = False
    filling_after: bool = False
    filled_after: int | None = None

    def put(self, message: Message) -> bool:
        """Add or replace a message; True when it is new to this log."""
        new = message.id not in self.messages
        self.messages[message.id] = message
        if new:
            insort(self.order, message.id)
        return new

    def drop(self, message_id: int) -> Message | None:
        """Forget a message (a pending one replaced by the stored one)."""
        message = self.messages.pop(message_id, None)
        if message is not None:
            self.order.remove(message_id)
        return message

    def ordered(self) -> list[Message]:
        """The messages oldest first, pending ones (negative ids) last."""
        stored = [self.messages[i] for i in self.order if i > 0]
        return stored + [self.messages[i] for i in self.order if i < 0]

    @property
    def newest_id(self) -> int:
        """The id of the newest stored message held, or 0."""
        stored = [i for i in self.order if i > 0]
        return stored[-1] if stored else 0

    @property
    def oldest_id(self) -> int | None:
        """The id of the oldest stored message held."""
        stored = [i for i in self.order if i > 0]
        return stored[0] if stored else None

    def gap_after(self) -> int | None:
        """The id after which a message is missing (seq jumps), or None when whole."""
        stored = [self.messages[i] for i in self.order if i > 0]
        for earlier, later in pairwise(stored):
            if later.seq > earlier.seq + 1:
                return earlier.id
        return None


@dataclass
class Outgoing:
    """A message typed here and not yet acknowledged by the server."""

    client_id: str
    room: int
    text: str
    local_id: int
    attempts: int = 0


LINK_WORDS = {
    CONNECTING: N_("Connecting"),
    CONNECTED: N_("Connected"),
    RECONNECTING: N_("Reconnecting…"),
    OFFLINE: N_("Offline"),
}


@dataclass
class Link:
    """The state of the real-time connection, as the status bar shows it."""

    status: str = OFFLINE
    attempts: int = 0
    reason: str | Lazy = ""  # a Lazy is worded when shown, in the language of then

    def describe(self) -> str:
        """One line for the status bar."""
        if self.status == RECONNECTING and self.attempts:
            return _("Reconnecting (attempt %(attempt)s)…") % {"attempt": self.attempts}
        if self.status == OFFLINE and self.reason:
            return _("Offline: %(reason)s") % {"reason": self.reason}
        return _(LINK_WORDS.get(self.status, self.status))


@dataclass
class State:
    """Everything the views render; changed only on the thread that pumps events."""

    me: dict | None = None
    server: str = ""
    rooms: dict[int, Room] = field(default_factory=dict)
    logs: dict[int, RoomLog] = field(default_factory=dict)
    members: dict[int, list[dict]] = field(default_factory=dict)
    online: set[int] = field(default_factory=set)
    # Live presence events counted as they are applied, and the count at each user's
    # latest: a members snapshot requested at count N loses to any event after N.
    presence_clock: int = 0
    presence_seen: dict[int, int] = field(default_factory=dict)
    typing: dict[int, dict[int, tuple[str, float]]] = field(default_factory=dict)
    outbox: list[Outgoing] = field(default_factory=list)
    link: Link = field(default_factory=Link)
    current_room: int | None = None
    marker: dict[int, int] = field(default_factory=dict)
    said: str | Lazy = ""
    changes: set[tuple] = field(default_factory=set)
    _next_local: int = -1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_ids: dict[int, int] = field(default_factory=dict, repr=False)

    # --- bookkeeping --------------------------------------------------------------------

    def take_changes(self) -> set[tuple]:
        """Return the topics changed since the last call, and start afresh."""
        changes, self.changes = self.changes, set()
        return changes

    def changed(self, *topic: Any) -> None:
        """Record that `topic` needs redrawing."""
        self.changes.add(topic)

    def say(self, notice: str | Lazy) -> None:
        """Show a one-line notice (an error or a confirmation) in the status bar; a Lazy one
        is worded each time it is shown, so it follows a change of language."""
        self.said = notice
        self.changed("notice")

    @property
    def notice(self) -> str:
        """The notice in words."""
        return str(self.said)

    def log(self, room_id: int) -> RoomLog:
        """The room's message log, created empty on first use."""
        return self.logs.setdefault(room_id, RoomLog())

    def last_ids(self) -> dict[int, int]:
        """{room: newest message id held} for `resume`; safe to call from any thread."""
        with self._lock:
            return dict(self._last_ids)

    def _held(self, room_id: int, message_id: int) -> None:
        with self._lock:  # an empty room is held at 0, so `resume` still asks about it
            if message_id > self._last_ids.get(room_id, -1):
                self._last_ids[room_id] = message_id

    # --- rooms --------------------------------------------------------------------------

    def set_rooms(self, payloads: list[dict]) -> None:
        """Replace the room list with GET /rooms."""
        self.rooms = {r["id"]: self._fresher(Room.from_payload(r)) for r in payloads}
        for room in self.rooms.values():
            if room.member and room.id not in self._last_ids:
                self._held(room.id, room.last_message_id)
            self.marker.setdefault(room.id, room.last_read_id)
        if self.current_room not in self.rooms:
            self.current_room = None
        self.changed("rooms")

    def _fresher(self, room: Room) -> Room:
        """A room list fetched before the latest live messages must not undo them."""
        held = self.rooms.get(room.id)
        if held is not None and held.last_message_id > room.last_message_id:
            room.unread, room.last_message_id = held.unread, held.last_message_id
        if held is not None:
            room.last_read_id = max(room.last_read_id, held.last_read_id)
        if room.id == self.current_room:
            room.unread = 0
        return room

    def put_room(self, payload: dict) -> Room:
        """Add or refresh one room (created, joined, a direct conversation opened)."""
        room = Room.from_payload(payload)
        self.rooms[room.id] = room
        if room.member:
            self._held(room.id, room.last_message_id)
        self.marker.setdefault(room.id, room.last_read_id)
        self.changed("rooms")
        return room

    def remove_room(self, room_id: int) -> None:
        """Forget a deleted or left room."""
        self.rooms.pop(room_id, None)
        self.logs.pop(room_id, None)
        with self._lock:
            self._last_ids.pop(room_id, None)
        if self.current_room == room_id:
            self.current_room = None
        self.changed("rooms")

    def member_rooms(self) -> list[Room]:
        """Rooms this user belongs to: channels by name, then direct conversations."""
        rooms = [r for r in self.rooms.values() if r.member]
        return sorted(rooms, key=lambda r: (r.is_direct, r.title.lower()))

    def open_room(self, room_id: int) -> None:
        """Make `room_id` the room on screen."""
        self.current_room = room_id
        self.changed("rooms")
        self.changed("messages", room_id)
        self.changed("members", room_id)
        self.changed("typing", room_id)

    def read_up_to(self, room_id: int) -> int | None:
        """Mark the room read; return the id to report with `mark_read`, if any is new."""
        room, newest = self.rooms.get(room_id), self.log(room_id).newest_id
        if room is None:
            return None
        room.unread = 0
        self.changed("rooms")
        if newest <= room.last_read_id:
            return None
        room.last_read_id = newest
        return newest

    # --- messages -----------------------------------------------------------------------

    def add_messages(self, payloads: list[dict]) -> set[int]:
        """Merge stored messages (deduplicated by id); return the rooms that changed."""
        touched = set()
        for data in payloads:
            message = Message.from_payload(data)
            log = self.log(message.room)
            self._settle_outgoing(log, message)
            if log.put(message):
                self._count_unread(message)
            self._held(message.room, message.id)
            touched.add(message.room)
            self._stop_typing(message.room, message.author_id)
        for room_id in touched:
            self.changed("messages", room_id)
        return touched

    def _settle_outgoing(self, log: RoomLog, message: Message) -> None:
        """The stored copy of a message sent from here replaces its pending copy."""
        if not message.client_id or message.author_id != self.my_id:
            return
        for outgoing in list(self.outbox):
            if outgoing.client_id == message.client_id:
                self.outbox.remove(outgoing)
                log.drop(outgoing.local_id)
        for local_id in [i for i in log.order if i < 0]:
            if log.messages[local_id].client_id == message.client_id:
                log.drop(local_id)

    def _count_unread(self, message: Message) -> None:
        """Count a message newer than any the room's count already holds."""
        room = self.rooms.get(message.room)
        if room is None or message.id <= room.last_message_id:
            return
        room.last_message_id = message.id
        if message.author_id != self.my_id and not message.deleted:
            room.unread += 1
            self.changed("rooms")

    def add_history(self, room_id: int, payloads: list[dict], *, page: int) -> None:
        """Merge an older page (newest first, as GET …?before= answers)."""
        log = self.log(room_id)
        for data in payloads:
            log.put(Message.from_payload(data))
            self._held(room_id, data["id"])
        log.more_before = len(payloads) >= page
        log.loading_before = False
        self.changed("messages", room_id)

    def update_message(self, payload: dict) -> None:
        """Apply `message_updated` (an edit) to the held copy."""
        message = Message.from_payload(payload)
        log = self.log(message.room)
        if message.id in log.messages:
            log.put(message)
            self.changed("messages", message.room)

    def delete_message(self, payload: dict) -> None:
        """Apply `message_deleted`: keep a tombstone so ids and seqs stay whole."""
        log = self.log(payload["room"])
        message = log.messages.get(payload["id"])
        if message is not None:
            message.deleted, message.text = True, ""
            self.changed("messages", payload["room"])

    # --- the outbox ---------------------------------------------------------------------

    @property
    def my_id(self) -> int | None:
        """The signed-in user's id."""
        return self.me["id"] if self.me else None

    def queue_outgoing(self, room_id: int, text: str) -> Outgoing:
        """Put a message in the outbox and show it at once as pending."""
        outgoing = Outgoing(uuid.uuid4().hex, room_id, text, self._next_local)
        self._next_local -= 1
        self.outbox.append(outgoing)
        author = {k: self.me[k] for k in ("id", "username", "name")} if self.me else None
        pending = Message(
            id=outgoing.local_id,
            room=room_id,
            seq=0,
            author=author,
            text=text,
            created_at=datetime.now().astimezone(),
            client_id=outgoing.client_id,
            pending=True,
        )
        self.log(room_id).put(pending)
        self.changed("messages", room_id)
        return outgoing

    def outgoing_failed(self, client_id: str, reason: str) -> None:
        """The server refused a message for good: drop it from the outbox and say why."""
        for outgoing in list(self.outbox):
            if outgoing.client_id == client_id:
                self.outbox.remove(outgoing)
                pending = self.log(outgoing.room).messages.get(outgoing.local_id)
                if pending is not None:
                    pending.failed = reason
                self.changed("messages", outgoing.room)

    # --- presence and typing ------------------------------------------------------------

    def set_members(self, room_id: int, members: list[dict], *, since: int) -> None:
        """Store GET /rooms/<id>/members and who of them is online.

        `since` is `presence_clock` when the request went out: a presence event applied
        after that is newer than the snapshot (which may have been taken before it, and
        arrive after it) and stands.
        """
        self.members[room_id] = members
        for member in members:
            if self.presence_seen.get(member["id"], -1) <= since:
                self._set_online(member["id"], member.get("online", False))
        self.changed("members", room_id)

    def set_presence(self, user: dict, online: bool) -> None:
        """Apply a `presence` event."""
        self.presence_clock += 1
        self.presence_seen[user["id"]] = self.presence_clock
        self._set_online(user["id"], online)
        for room_id, members in self.members.items():
            if any(m["id"] == user["id"] for m in members):
                self.changed("members", room_id)

    def _set_online(self, user_id: int, online: bool) -> None:
        if online:
            self.online.add(user_id)
        else:
            self.online.discard(user_id)

    def someone_typing(self, room_id: int, user: dict, now: float) -> None:
        """Apply a `typing` event: show the name for a few seconds."""
        if user["id"] == self.my_id:
            return
        name = user.get("name") or user.get("username", "?")
        self.typing.setdefault(room_id, {})[user["id"]] = (name, now + TYPING_SHOWN_FOR)
        self.changed("typing", room_id)

    def _stop_typing(self, room_id: int, user_id: int | None) -> None:
        if self.typing.get(room_id, {}).pop(user_id, None):
            self.changed("typing", room_id)

    def expire_typing(self, now: float) -> None:
        """Forget typing notices that were not renewed."""
        for room_id, people in self.typing.items():
            for user_id, (_name, until) in list(people.items()):
                if until <= now:
                    del people[user_id]
                    self.changed("typing", room_id)

    def typing_line(self, room_id: int) -> str:
        """ "Ana is typing…", "Ana and Rui are typing…" or ""."""
        names = sorted(name for name, _until in self.typing.get(room_id, {}).values())
        if not names:
            return ""
        if len(names) == 1:
            return _("%(name)s is typing…") % {"name": names[0]}
        if len(names) == 2:
            return _("%(name)s and %(other)s are typing…") % {"name": names[0], "other": names[1]}
        return _("Several people are typing…")

    # --- the link -----------------------------------------------------------------------

    def set_link(self, status: str, *, attempts: int = 0, reason: str = "") -> None:
        """Record the connection's state for the status bar and the message box."""
        self.link = Link(status, attempts, reason)
        self.changed("link")
