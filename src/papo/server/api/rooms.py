"""Rooms, their members, direct conversations and message history."""

from apiflask import APIBlueprint
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Membership, Message, Room, User
from ..realtime.hub import hub
from ..schemas import (
    HistoryQuery,
    MemberIn,
    MemberOut,
    MessageIn,
    MessageOut,
    RoomCreate,
    RoomOut,
    RoomPatch,
)
from ..services import messages, rooms, users
from .guard import auth, current_user

bp = APIBlueprint("rooms", __name__, url_prefix="/rooms", tag="Rooms")


def room_view(room: Room, user: User, membership: Membership | None = None) -> dict:
    """The room as this user sees it: membership, unread count, the other person of a DM."""
    membership = membership or db.session.get(Membership, (room.id, user.id))
    last_read = membership.last_read_id if membership else room.last_message_id
    view = {c: getattr(room, c) for c in ("id", "name", "topic", "private", "kind")}
    view.update(
        created_by=room.created_by,
        created_at=room.created_at,
        member=membership is not None,
        last_message_id=room.last_message_id,
        last_read_id=last_read,
        unread=_unread(room, last_read, user.id) if membership else 0,
        peer=_peer(room, user) if room.is_direct else None,
    )
    return view


def _unread(room: Room, last_read: int, reader_id: int) -> int:
    """Messages after the last one read, not counting the reader's own."""
    if last_read >= room.last_message_id:
        return 0
    query = select(func.count(Message.id)).where(
        Message.room_id == room.id,
        Message.id > last_read,
        Message.deleted.is_(False),
        or_(Message.author_id.is_(None), Message.author_id != reader_id),
    )
    return db.session.scalar(query) or 0


def _peer(room: Room, user: User) -> User | None:
    others = [m for m in rooms.members(room) if m.id != user.id]
    return others[0] if others else user


@bp.get("")
@bp.auth_required(auth)
@bp.output(RoomOut(many=True))
def list_rooms():
    """List the rooms you can see: public channels, and private rooms you belong to."""
    user = current_user()
    return [room_view(room, user, membership) for room, membership in rooms.list_visible(user)]


@bp.post("")
@bp.auth_required(auth)
@bp.input(RoomCreate, arg_name="data")
@bp.output(RoomOut, status_code=201)
@bp.doc(responses={409: "Name taken"})
def create_room(data: dict):
    """Create a channel; you become its first member."""
    room = rooms.create_room(creator=current_user(), **data)
    db.session.commit()
    return room_view(room, current_user())


@bp.post("/direct")
@bp.auth_required(auth)
@bp.input(MemberIn, arg_name="data")
@bp.output(RoomOut)
@bp.doc(responses={404: "No such user"})
def open_direct(data: dict):
    """Open (or find again) the direct conversation with another user."""
    other = users.get_user(data["user_id"])
    room, _created = rooms.open_direct(user=current_user(), other=other)
    db.session.commit()
    return room_view(room, current_user())


@bp.get("/<int:room_id>")
@bp.auth_required(auth)
@bp.output(RoomOut)
def get_room(room_id: int):
    """Return one room (private rooms only to their members)."""
    return room_view(rooms.get_visible(room_id, current_user()), current_user())


@bp.patch("/<int:room_id>")
@bp.auth_required(auth)
@bp.input(RoomPatch, arg_name="data")
@bp.output(RoomOut)
@bp.doc(
    responses={
        403: "Creator or admin only",
        409: "Name taken, or the room is fixed: a direct conversation, or 'general' (which "
        "keeps its name and stays public)",
    }
)
def update_room(room_id: int, data: dict):
    """Rename a channel, change its topic or privacy (its creator or an admin)."""
    user = current_user()
    room = rooms.update_room(actor=user, room=rooms.get_visible(room_id, user), changes=data)
    db.session.commit()
    return room_view(room, user)


@bp.delete("/<int:room_id>")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(responses={403: "Creator or admin only", 409: "'general' cannot be deleted"})
def delete_room(room_id: int):
    """Delete a channel and its messages (its creator or an admin)."""
    user = current_user()
    rooms.delete_room(actor=user, room=rooms.get_visible(room_id, user))
    db.session.commit()
    return ""


@bp.post("/<int:room_id>/join")
@bp.auth_required(auth)
@bp.output(RoomOut)
@bp.doc(responses={403: "Private room"})
def join_room(room_id: int):
    """Join a public channel."""
    user = current_user()
    room = rooms.get_visible(room_id, user)
    rooms.join(user=user, room=room)
    db.session.commit()
    return room_view(room, user)


@bp.post("/<int:room_id>/leave")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(responses={409: "Everyone stays in 'general'"})
def leave_room(room_id: int):
    """Leave a room."""
    user = current_user()
    rooms.leave(user=user, room=rooms.get_visible(room_id, user))
    db.session.commit()
    return ""


@bp.get("/<int:room_id>/members")
@bp.auth_required(auth)
@bp.output(MemberOut(many=True))
def list_members(room_id: int):
    """List the room's members, each marked online or not."""
    room = rooms.get_visible(room_id, current_user())
    live = hub()
    return [
        {
            "id": u.id,
            "username": u.username,
            "name": u.name,
            "role": u.role,
            "online": live.is_online(u.id),
        }
        for u in rooms.members(room)
    ]


@bp.post("/<int:room_id>/members")
@bp.auth_required(auth)
@bp.input(MemberIn, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(responses={403: "Creator or admin only", 409: "A direct conversation keeps its two people"})
def add_member(room_id: int, data: dict):
    """Add someone to a room (its creator or an admin)."""
    actor = current_user()
    room = rooms.get_visible(room_id, actor)
    rooms.add_member(actor=actor, room=room, user=users.get_user(data["user_id"]))
    db.session.commit()
    return ""


@bp.delete("/<int:room_id>/members/<int:user_id>")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(responses={403: "Creator or admin only", 409: "Everyone stays in 'general'"})
def remove_member(room_id: int, user_id: int):
    """Remove someone from a room (its creator or an admin; anyone may remove themself)."""
    actor = current_user()
    room = rooms.get_visible(room_id, actor)
    rooms.remove_member(actor=actor, room=room, user=users.get_user(user_id))
    db.session.commit()
    return ""


@bp.get("/<int:room_id>/messages")
@bp.auth_required(auth)
@bp.input(HistoryQuery, location="query", arg_name="query")
@bp.output(MessageOut(many=True))
def history(room_id: int, query: dict):
    """Messages of the room: newest first (`before` to scroll back), or oldest first after
    `after` (to catch up)."""
    room = rooms.get_visible(room_id, current_user())
    return [messages.public(m, room) for m in messages.history(room=room, **query)]


@bp.post("/<int:room_id>/messages")
@bp.auth_required(auth)
@bp.input(MessageIn, arg_name="data")
@bp.output(MessageOut, status_code=201)
@bp.doc(responses={403: "Not a member"})
def post_message(room_id: int, data: dict):
    """Post a message (as `send_message` does); a repeated client_id returns the first."""
    user = current_user()
    room = rooms.find_for_writing(room_id, user.id)
    text = messages.clean_text(data["message"])
    message, _created = messages.send(
        author=messages.person(user), room=room, text=text, client_id=data.get("client_id")
    )
    return message
