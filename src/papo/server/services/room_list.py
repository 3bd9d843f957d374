"""What a room list shows beyond the rooms: unread counts and the other person of each DM.

Each is one query for all of a user's rooms, however many (GET /rooms)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Membership, Message, Room, User


def unread_counts(reader_id: int, room_id: int | None = None) -> dict[int, int]:
    """Messages after the last one read in each of the reader's rooms (or in `room_id`),
    not counting the reader's own; rooms with none are left out."""
    read_up_to = (
        (Membership.room_id == Message.room_id)
        & (Membership.user_id == reader_id)
        & (Message.id > Membership.last_read_id)
    )
    query = (
        select(Message.room_id, func.count(Message.id))
        .join(Membership, read_up_to)
        .where(
            Message.deleted.is_(False),
            or_(Message.author_id.is_(None), Message.author_id != reader_id),
        )
        .group_by(Message.room_id)
    )
    if room_id is not None:
        query = query.where(Message.room_id == room_id)
    return {room: count for room, count in db.session.execute(query)}


def direct_peers(user: User, room_id: int | None = None) -> dict[int, User]:
    """The other person of each of the user's direct rooms (or of `room_id`); a room whose
    other person left or was deleted is left out."""
    mine = select(Membership.room_id).where(Membership.user_id == user.id)
    query = (
        select(Membership.room_id, User)
        .join(User, User.id == Membership.user_id)
        .join(Room, Room.id == Membership.room_id)
        .where(Room.kind == "direct", Membership.room_id.in_(mine), User.id != user.id)
        .order_by(User.username.desc())  # the first by name wins, as it always has
    )
    if room_id is not None:
        query = query.where(Membership.room_id == room_id)
    return {room: peer for room, peer in db.session.execute(query)}
