"""Membership rows, changed one room at a time: every change first locks the room's row, so
two changes of one room's members never interleave (issue 19), and adding twice is harmless."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import ApiError
from ..extensions import db
from ..models import Membership, Room
from . import after_commit


def lock(room: Room) -> None:
    """Hold the room's membership changes until this transaction ends (PostgreSQL; SQLite has
    one writer at a time). NO KEY UPDATE: new messages and members may still point at it."""
    query = select(Room.id).where(Room.id == room.id).with_for_update(key_share=True)
    if db.session.scalar(query) is None:  # deleted meanwhile
        raise ApiError(404, "room_not_found", "There is no room with id %(id)s.", id=room.id)


def is_member_now(room_id: int, user_id: int) -> bool:
    """True when the user belongs to the room, as committed now (not the session's cache)."""
    query = select(Membership.user_id).where(
        Membership.room_id == room_id, Membership.user_id == user_id
    )
    return db.session.scalar(query) is not None


def add(room: Room, user_id: int) -> Membership:
    """Make the user a member, once: a membership added meanwhile is kept as it is."""
    lock(room)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"room_id": room.id, "user_id": user_id, "last_read_id": room.last_message_id}
    db.session.execute(dialect.insert(Membership).values(**values).on_conflict_do_nothing())
    membership = db.session.get(Membership, (room.id, user_id), populate_existing=True)
    if membership is None:  # cannot happen under the lock; never answer None
        raise ApiError(409, "conflict", "This conflicts with existing data.")
    after_commit.joined(room.id, user_id)
    return membership


def remove(room: Room, user_id: int) -> None:
    """Take the user out of the room (nothing happens if they were not in it)."""
    lock(room)
    db.session.execute(
        delete(Membership).where(Membership.room_id == room.id, Membership.user_id == user_id)
    )
    after_commit.left(room.id, user_id)
