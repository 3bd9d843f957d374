"""The things the client holds: messages, a room's message log, rooms, and messages waiting
in the outbox (plain data, no tkinter)."""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from ..api import Json
from ..i18n import _


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass
class Message:
    """One message as the conversation shows it; `pending` until the server stored it."""

    id: int
    room: int
    seq: int
    author: Json | None
    text: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    client_id: str | None = None
    pending: bool = False
    failed: str = ""

    @classmethod
    def from_payload(cls, data: Json) -> Message:
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
        return int(self.author["id"]) if self.author else None

    @property
    def author_name(self) -> str:
        """The author's display name."""
        return str(self.author["name"]) if self.author else _("(deleted user)")


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
    peer: Json | None = None

    @classmethod
    def from_payload(cls, data: Json) -> Room:
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
            return str(self.peer.get("name") or self.peer.get("username", "?"))
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
