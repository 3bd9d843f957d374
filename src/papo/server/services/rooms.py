"""Rooms and memberships: who sees, joins and manages which room."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ...rules import MAX_ID
from ..errors import ApiError
from ..extensions import db
from ..i18n import N_
from ..models import Membership, Room, User
from ..transaction import Redo
from . import after_commit, memberships

GENERAL = "general"


def ensure_general() -> Room:
    """Return the public room `general`, creating it if it is missing (Redo if another
    process creates it at the same moment: see transaction.retry_on_conflict)."""
    room = _general()
    if room is not None:
        return room
    room = Room(name=GENERAL, topic="Everyone, everything", private=False, kind="channel")
    db.session.add(room)
    try:
        db.session.flush()
    except IntegrityError:  # another process created it at the same moment
        raise Redo(_existing_general) from None
    return room


def _general() -> Room | None:
    return db.session.scalar(select(Room).where(Room.name == GENERAL))


def _existing_general() -> Room:
    room = _general()
    if room is None:  # the clash was something else
        raise ApiError(409, "conflict", N_("This conflicts with existing data."))
    return room


def is_member(room_id: int, user_id: int) -> bool:
    """True when the user belongs to the room."""
    return db.session.get(Membership, (room_id, user_id)) is not None


def can_see(room: Room, user: User) -> bool:
    """Public rooms are visible to all; private ones to members only."""
    return not room.private or is_member(room.id, user.id)


def may_manage(room: Room, user: User) -> bool:
    """The creator of a channel and admins may change it and its members."""
    return user.is_admin or (room.created_by == user.id and not room.is_direct)


def get_visible(room_id: int, user: User) -> Room:
    """Return the room if `user` may see it; a 404 otherwise (secret rooms stay secret)."""
    room = db.session.get(Room, room_id) if 0 < room_id <= MAX_ID else None
    if room is None or not can_see(room, user):
        raise ApiError(404, "room_not_found", "There is no room with id %(id)s.", id=room_id)
    return room


def find_visible(ref: int | str, user: User) -> Room:
    """Look a room up by id or by name, as the Socket.IO events allow."""
    if isinstance(ref, int):
        return get_visible(ref, user)
    room = db.session.scalar(select(Room).where(Room.name == ref.strip().lower()))
    if room is None or not can_see(room, user):
        raise ApiError(404, "room_not_found", "There is no room named '%(name)s'.", name=ref)
    return room


def find_for_writing(ref: int | str, user_id: int) -> Room:
    """The room (by id or name) if the user may write in it, in one query."""
    if isinstance(ref, int):
        where, missing = (
            Room.id == ref,
            ApiError(404, "room_not_found", "There is no room with id %(id)s.", id=ref),
        )
    else:
        where, missing = (
            Room.name == ref.strip().lower(),
            ApiError(404, "room_not_found", "There is no room named '%(name)s'.", name=ref),
        )
    if isinstance(ref, int) and not 0 < ref <= MAX_ID:
        raise missing
    mine = (Membership.room_id == Room.id) & (Membership.user_id == user_id)
    active = select(User.active).where(User.id == user_id).scalar_subquery()
    row = db.session.execute(
        select(Room, Membership.user_id, active).outerjoin(Membership, mine).where(where)
    ).first()
    if row is None:
        raise missing
    room: Room = row[0]
    member, active_user = row[1], row[2]
    if not active_user:
        raise ApiError(401, "token_invalid", "This account is no longer active.")
    if room.private and member is None:
        raise missing
    if member is None:
        raise ApiError(403, "not_a_member", "Join this room before writing in it.")
    return room


def list_visible(user: User) -> list[tuple[Room, Membership | None]]:
    """Return the rooms `user` can see, each with the user's membership if any."""
    query = (
        select(Room, Membership)
        .outerjoin(Membership, (Membership.room_id == Room.id) & (Membership.user_id == user.id))
        .where(or_(Room.private.is_(False), Membership.user_id.is_not(None)))
        .order_by(Room.kind, Room.name)
    )
    return [(room, membership) for room, membership in db.session.execute(query)]


def member_ids(room_id: int) -> list[int]:
    """Return the ids of the room's members."""
    return list(db.session.scalars(select(Membership.user_id).where(Membership.room_id == room_id)))


def members(room: Room) -> list[User]:
    """Return the room's members ordered by username."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.room_id == room.id)
        .order_by(User.username)
    )
    return list(db.session.scalars(query))


def create_room(*, creator: User, name: str, topic: str = "", private: bool = False) -> Room:
    """Create a channel; its creator is its first member. A taken name is a 409."""
    room = Room(name=name, topic=topic, private=private, kind="channel", created_by=creator.id)
    db.session.add(room)
    try:
        db.session.flush()
    except IntegrityError:  # the caller's unit of work rolls back
        raise ApiError(
            409, "room_name_taken", "A room named '%(name)s' already exists.", name=name
        ) from None
    _add_member(room, creator)
    return room


def update_room(*, actor: User, room: Room, changes: dict[str, Any]) -> Room:
    """Rename, re-topic or change the privacy of a channel (creator or admin)."""
    _require_manager(room, actor)
    if room.is_direct:
        raise ApiError(409, "direct_is_fixed", "A direct conversation keeps its two people.")
    if room.name == GENERAL and ("name" in changes or changes.get("private")):
        raise ApiError(
            409, "general_is_fixed", "The room 'general' keeps its name and stays public."
        )
    for field in ("name", "topic", "private"):
        if field in changes:
            setattr(room, field, changes[field])
    try:
        db.session.flush()
    except IntegrityError:  # the caller's unit of work rolls back
        raise ApiError(409, "room_name_taken", "A room with this name already exists.") from None
    summary = {"room": room.id, "name": room.name, "topic": room.topic, "private": room.private}
    after_commit.broadcast("room_updated", summary, room.id)
    return room


def delete_room(*, actor: User, room: Room) -> None:
    """Delete a room and its messages (creator or admin); `general` stays."""
    _require_manager(room, actor)
    if room.name == GENERAL:
        raise ApiError(409, "general_is_fixed", "The room 'general' cannot be deleted.")
    after_commit.broadcast("room_deleted", {"room": room.id}, room.id)
    db.session.delete(room)
    db.session.flush()


def join(*, user: User, room: Room) -> Membership:
    """Join a public channel (private rooms need an invitation); joining again is harmless."""
    memberships.lock(room)
    # Checked under the lock: a removal committed meanwhile is seen, never undone.
    if room.private and not memberships.is_member_now(room.id, user.id):
        raise ApiError(403, "room_private", "This room is private; ask its creator to add you.")
    return _add_member(room, user)


def leave(*, user: User, room: Room) -> None:
    """Leave a room; `general` is everyone's."""
    if room.name == GENERAL:
        raise ApiError(409, "general_is_fixed", "Everyone stays in 'general'.")
    memberships.remove(room, user.id)


def add_member(*, actor: User, room: Room, user: User) -> Membership:
    """Add someone to a room (its creator or an admin; direct rooms are closed)."""
    _require_manager(room, actor)
    if room.is_direct:
        raise ApiError(409, "direct_is_fixed", "A direct conversation keeps its two people.")
    return _add_member(room, user)


def remove_member(*, actor: User, room: Room, user: User) -> None:
    """Remove someone from a room (its creator or an admin), or leave it oneself."""
    if actor.id != user.id:
        _require_manager(room, actor)
    leave(user=user, room=room)


def _add_member(room: Room, user: User) -> Membership:
    return memberships.add(room, user.id)


def _require_manager(room: Room, actor: User) -> None:
    if not may_manage(room, actor):
        raise ApiError(403, "forbidden", "Only the room's creator or an admin may do this.")


def open_direct(*, user: User, other: User) -> tuple[Room, bool]:
    """Return the direct room of these two people, creating it once; True if new (Redo if
    the other person opens it at the same moment: see transaction.retry_on_conflict)."""
    low, high = sorted((user.id, other.id))
    key = f"{low}:{high}"
    room = _direct(key)
    if room is not None:
        _add_member(room, user)  # back in, after having left it
        return room, False
    room = Room(name=f"dm:{key}", private=True, kind="direct", direct_key=key, created_by=user.id)
    db.session.add(room)
    try:
        db.session.flush()
    except IntegrityError:  # the other person opened it at the same moment
        raise Redo(lambda: (_existing_direct(key), False)) from None
    for person in {user.id: user, other.id: other}.values():
        _add_member(room, person)
    return room, True


def _direct(key: str) -> Room | None:
    return db.session.scalar(select(Room).where(Room.direct_key == key))


def _existing_direct(key: str) -> Room:
    room = _direct(key)
    if room is None:  # the clash was something else
        raise ApiError(409, "conflict", N_("This conflicts with existing data."))
    return room


def join_general(user: User) -> None:
    """Make a new user a member of `general`."""
    room = _general()
    if room is not None:
        _add_member(room, user)


def mark_read(*, user: User, room: Room, message_id: int) -> None:
    """Remember the newest message the user has read in the room (never moves back)."""
    membership = db.session.get(Membership, (room.id, user.id))
    if membership is not None and message_id > membership.last_read_id:
        membership.last_read_id = min(message_id, room.last_message_id)


def room_mate_ids(user_id: int) -> list[int]:
    """Return the ids of everyone who shares at least one room with the user."""
    mine = select(Membership.room_id).where(Membership.user_id == user_id)
    query = select(Membership.user_id).where(Membership.room_id.in_(mine)).distinct()
    return list(db.session.scalars(query))


def room_ids_of(user_id: int) -> list[int]:
    """Return the ids of the rooms the user belongs to."""
    return list(db.session.scalars(select(Membership.room_id).where(Membership.user_id == user_id)))
