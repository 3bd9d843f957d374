"""Who is in each room, who of them is online, and who is typing."""

from __future__ import annotations

from ..api import Json
from ..i18n import _
from .base import StateBase

TYPING_SHOWN_FOR = 4.0  # seconds a "typing" notice stays without a new one


class PresenceState(StateBase):
    """The members, presence and typing rules of the state."""

    def set_members(self, room_id: int, members: list[Json], *, since: int) -> None:
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

    def set_presence(self, user: Json, online: bool) -> None:
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

    def someone_typing(self, room_id: int, user: Json, now: float) -> None:
        """Apply a `typing` event: show the name for a few seconds."""
        if user["id"] == self.my_id:
            return
        name = user.get("name") or user.get("username", "?")
        self.typing.setdefault(room_id, {})[user["id"]] = (name, now + TYPING_SHOWN_FOR)
        self.changed("typing", room_id)

    def _stop_typing(self, room_id: int, user_id: int | None) -> None:
        people = self.typing.get(room_id)
        if people is not None and user_id in people:
            del people[user_id]
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
