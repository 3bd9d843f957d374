"""Intents about rooms: open one, create, join, leave, talk to someone directly; and the
server's membership and room events."""

from __future__ import annotations

import functools

from ..api import Json
from .base import Done, Failed, Job
from .messages import MessageIntents


class RoomIntents(MessageIntents):
    """The room list and the room on screen."""

    def refresh_rooms(self) -> Job | None:
        """Reload GET /rooms (after a membership or room change)."""
        if self.api is None:  # signed out meanwhile: nothing to refresh
            return None
        return self.call(self.api.rooms, then=self.state.set_rooms)

    def open_room(self, room_id: int) -> None:
        """Show a room: its newest history, its members; mark it read."""
        room = self.state.rooms.get(room_id)
        if room is None or self.api is None:
            return
        self.state.marker[room_id] = room.last_read_id
        self.state.open_room(room_id)
        log_ = self.state.log(room_id)
        if not log_.loaded:
            log_.loaded = True
            self.load_older(room_id, newest=True)
        since = self.state.presence_clock  # presence events after this beat the answer
        members = functools.partial(self.state.set_members, room_id, since=since)
        self.call(self.api.members, room_id, then=members)
        self._mark_read(room_id)

    def create_room(
        self,
        name: str,
        topic: str = "",
        private: bool = False,
        *,
        then: Done = None,
        failed: Failed = None,
    ) -> Job | None:
        """Create a channel and open it; `then(room)` once it is open."""
        if self.api is None:
            return None
        opened = functools.partial(self._room_opened, then=then)
        return self.call(self.api.create_room, name, topic, private, then=opened, failed=failed)

    def join_room(self, room_id: int, *, failed: Failed = None) -> Job | None:
        """Join a public channel and open it."""
        if self.api is None:
            return None
        return self.call(self.api.join_room, room_id, then=self._room_opened, failed=failed)

    def open_direct(self, user_id: int, *, failed: Failed = None) -> Job | None:
        """Open the direct conversation with a user."""
        if self.api is None:
            return None
        return self.call(self.api.open_direct, user_id, then=self._room_opened, failed=failed)

    def leave_room(self, room_id: int) -> Job | None:
        """Leave a room and forget it."""
        if self.api is None:
            return None
        return self.call(self.api.leave_room, room_id, then=self._left)

    def _left(self, _answer: None) -> None:
        self.refresh_rooms()

    def _room_opened(self, payload: Json, then: Done = None) -> None:
        self.state.put_room(payload)
        self.open_room(payload["id"])
        if then is not None:
            then(payload)

    def _on_membership(self, data: Json) -> None:
        if not data.get("member"):
            self.state.remove_room(data["room"])
        self.refresh_rooms()

    def _on_room_updated(self, _data: Json) -> None:
        self.refresh_rooms()

    def _on_room_deleted(self, data: Json) -> None:
        self.state.remove_room(data["room"])
