"""What every part of the state holds, and its bookkeeping: the topics that changed, the
notice in the status bar, the newest id held per room, the link."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..api import Json
from ..i18n import Lazy
from .link import Link
from .records import Outgoing, Room, RoomLog

Topic = tuple[Any, ...]  # ("rooms",), ("messages", room_id), …


@dataclass
class StateBase:
    """The fields of the state; changed only on the thread that pumps events."""

    me: Json | None = None
    server: str = ""
    rooms: dict[int, Room] = field(default_factory=dict)
    logs: dict[int, RoomLog] = field(default_factory=dict)
    members: dict[int, list[Json]] = field(default_factory=dict)
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
    changes: set[Topic] = field(default_factory=set)
    _next_local: int = -1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_ids: dict[int, int] = field(default_factory=dict, repr=False)

    def take_changes(self) -> set[Topic]:
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

    @property
    def my_id(self) -> int | None:
        """The signed-in user's id."""
        return int(self.me["id"]) if self.me else None

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

    def set_link(self, status: str, *, attempts: int = 0, reason: str | Lazy = "") -> None:
        """Record the connection's state for the status bar and the message box."""
        self.link = Link(status, attempts, reason)
        self.changed("link")
