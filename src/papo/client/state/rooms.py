"""The rooms, their messages and unread counts: the rules for merging what arrives."""

from __future__ import annotations

from ..api import Json
from .outbox import OutboxState
from .presence import PresenceState
from .records import Message, Room


class RoomsState(OutboxState, PresenceState):
    """The room list, the room on screen, and the messages held for each room."""

    # --- rooms --------------------------------------------------------------------------

    def set_rooms(self, payloads: list[Json]) -> None:
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

    def put_room(self, payload: Json) -> Room:
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

    def add_messages(self, payloads: list[Json]) -> set[int]:
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

    def _count_unread(self, message: Message) -> None:
        """Count a message newer than any the room's count already holds."""
        room = self.rooms.get(message.room)
        if room is None or message.id <= room.last_message_id:
            return
        room.last_message_id = message.id
        if message.author_id != self.my_id and not message.deleted:
            room.unread += 1
            self.changed("rooms")

    def add_history(self, room_id: int, payloads: list[Json], *, page: int) -> None:
        """Merge an older page (newest first, as GET …?before= answers)."""
        log = self.log(room_id)
        for data in payloads:
            log.put(Message.from_payload(data))
            self._held(room_id, data["id"])
        log.more_before = len(payloads) >= page
        log.loading_before = False
        self.changed("messages", room_id)

    def update_message(self, payload: Json) -> None:
        """Apply `message_updated` (an edit) to the held copy."""
        message = Message.from_payload(payload)
        log = self.log(message.room)
        if message.id in log.messages:
            log.put(message)
            self.changed("messages", message.room)

    def delete_message(self, payload: Json) -> None:
        """Apply `message_deleted`: keep a tombstone so ids and seqs stay whole."""
        log = self.log(payload["room"])
        message = log.messages.get(payload["id"])
        if message is not None:
            message.deleted, message.text = True, ""
            self.changed("messages", payload["room"])
