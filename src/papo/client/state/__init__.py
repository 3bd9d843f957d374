"""What the client knows: rooms, messages, unread counts, presence, typing, the outbox and
the link to the server. Plain data with the rules for merging what arrives (no tkinter).

Every change records a topic in `changes` (("rooms",), ("messages", room_id), …) so that the
views redraw only what changed. The rules live in one module per part (rooms and messages,
presence and typing, the outbox); `State` puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Topic
from .link import CONNECTED, CONNECTING, LINK_WORDS, OFFLINE, RECONNECTING, Link
from .presence import TYPING_SHOWN_FOR
from .records import Message, Outgoing, Room, RoomLog
from .rooms import RoomsState

__all__ = [
    "CONNECTED",
    "CONNECTING",
    "LINK_WORDS",
    "OFFLINE",
    "RECONNECTING",
    "TYPING_SHOWN_FOR",
    "Link",
    "Message",
    "Outgoing",
    "Room",
    "RoomLog",
    "State",
    "Topic",
]


@dataclass
class State(RoomsState):
    """Everything the views render; changed only on the thread that pumps events."""
