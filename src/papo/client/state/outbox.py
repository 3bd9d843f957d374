"""Messages typed here until the server acknowledges them: shown at once as pending,
replaced by the stored copy, or marked as refused."""

from __future__ import annotations

import uuid
from datetime import datetime

from .base import StateBase
from .records import Message, Outgoing, RoomLog


class OutboxState(StateBase):
    """The outbox rules of the state."""

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
