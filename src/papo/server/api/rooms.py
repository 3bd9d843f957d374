"""Rooms, their members, direct conversations and message history."""

from typing import Any

from apiflask import APIBlueprint

from ..extensions import db
from ..models import Membership, Room, User
from ..realtime.hub import hub
from ..schemas import (
    HistoryQuery,
    MemberIn,
    MemberOut,
    MessageIn,
    MessageOut,
    PostedMessageOut,
    RoomCreate,
    RoomOut,
    RoomPatch,
)
from ..services import messages, room_list, rooms, users
from ..transaction import retry_on_conflict
from .declare import declared
from .guard import current_user

bp = APIBlueprint("rooms", __name__, url_prefix="/rooms", tag="Rooms")
# post_message's second answer (its first, 201, is declared with the route).
REPEATED: Any = {
    "description": "A repeated client_id: the message first posted with it (`duplicate: true`)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostedMessageOut"}}},
}


def room_view(room: Room, user: User) -> dict[str, Any]:
    """The room as this user sees it: membership, unread count, the other person of a DM."""
    membership = db.session.get(Membership, (room.id, user.id))
    return room_views([(room, membership)], user, only=room.id)[0]


def room_views(
    listed: list[tuple[Room, Membership | None]], user: User, only: int | None = None
) -> list[dict[str, Any]]:
    """Each room with the user's membership, as the user sees it: a fixed number of queries
    however many rooms (`only`: all of them are this one room)."""
    behind = any(m is not None and m.last_read_id < r.last_message_id for r, m in listed)
    unread = room_list.unread_counts(user.id, only) if behind else {}
    direct = any(room.is_direct for room, _ in listed)
    peers = room_list.direct_peers(user, only) if direct else {}
    return [_view(room, member, unread, peers.get(room.id, user)) for room, member in listed]


def _view(
    room: Room, membership: Membership | None, unread: dict[int, int], peer: User
) -> dict[str, Any]:
    view = {c: getattr(room, c) for c in ("id", "name", "topic", "private", "kind")}
    view.update(
        created_by=room.created_by,
        created_at=room.created_at,
        member=membership is not None,
        last_message_id=room.last_message_id,
        last_read_id=membership.last_read_id if membership else room.last_message_id,
        unread=unread.get(room.id, 0) if membership else 0,
        peer=peer if room.is_direct else None,
    )
    return view


@bp.get("")
@declared(bp, answer=RoomOut(many=True))
def list_rooms():
    """List the rooms you can see: public channels, and private rooms you belong to."""
    user = current_user()
    return room_views(rooms.list_visible(user), user)


@bp.post("")
@declared(bp, body=RoomCreate, answer=RoomOut, status=201)
@bp.doc(responses={409: "Name taken"})
def create_room(data: dict):
    """Create a channel; you become its first member."""
    room = rooms.create_room(creator=current_user(), **data)
    return room_view(room, current_user())


@bp.post("/direct")
@declared(bp, body=MemberIn, answer=RoomOut)
@bp.doc(responses={404: "No such user"})
def open_direct(data: dict):
    """Open (or find again) the direct conversation with another user."""
    other = users.get_user(data["user_id"])
    room, _created = retry_on_conflict(rooms.open_direct, user=current_user(), other=other)
    return room_view(room, current_user())


@bp.get("/<int:room_id>")
@declared(bp, answer=RoomOut)
def get_room(room_id: int):
    """Return one room (private rooms only to their members)."""
    return room_view(rooms.get_visible(room_id, current_user()), current_user())


@bp.patch("/<int:room_id>")
@declared(bp, body=RoomPatch, answer=RoomOut)
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
    return room_view(room, user)


@bp.delete("/<int:room_id>")
@declared(bp)
@bp.doc(responses={403: "Creator or admin only", 409: "'general' cannot be deleted"})
def delete_room(room_id: int):
    """Delete a channel and its messages (its creator or an admin)."""
    user = current_user()
    rooms.delete_room(actor=user, room=rooms.get_visible(room_id, user))
    return ""


@bp.post("/<int:room_id>/join")
@declared(bp, answer=RoomOut)
@bp.doc(responses={403: "Private room"})
def join_room(room_id: int):
    """Join a public channel."""
    user = current_user()
    room = rooms.get_visible(room_id, user)
    rooms.join(user=user, room=room)
    return room_view(room, user)


@bp.post("/<int:room_id>/leave")
@declared(bp)
@bp.doc(responses={409: "Everyone stays in 'general'"})
def leave_room(room_id: int):
    """Leave a room."""
    user = current_user()
    rooms.leave(user=user, room=rooms.get_visible(room_id, user))
    return ""


@bp.get("/<int:room_id>/members")
@declared(bp, answer=MemberOut(many=True))
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
@declared(bp, body=MemberIn)
@bp.doc(responses={403: "Creator or admin only", 409: "A direct conversation keeps its two people"})
def add_member(room_id: int, data: dict):
    """Add someone to a room (its creator or an admin)."""
    actor = current_user()
    room = rooms.get_visible(room_id, actor)
    rooms.add_member(actor=actor, room=room, user=users.get_user(data["user_id"]))
    return ""


@bp.delete("/<int:room_id>/members/<int:user_id>")
@declared(bp)
@bp.doc(responses={403: "Creator or admin only", 409: "Everyone stays in 'general'"})
def remove_member(room_id: int, user_id: int):
    """Remove someone from a room (its creator or an admin; anyone may remove themself)."""
    actor = current_user()
    room = rooms.get_visible(room_id, actor)
    rooms.remove_member(actor=actor, room=room, user=users.get_user(user_id))
    return ""


@bp.get("/<int:room_id>/messages")
@declared(bp, query=HistoryQuery, answer=MessageOut(many=True))
def history(room_id: int, query: dict):
    """Messages of the room: newest first (`before` to scroll back), or oldest first after
    `after` (to catch up)."""
    room = rooms.get_visible(room_id, current_user())
    return [messages.public(m, room) for m in messages.history(room=room, **query)]


@bp.post("/<int:room_id>/messages")
@declared(bp, body=MessageIn, answer=PostedMessageOut, status=201)
@bp.doc(responses={200: REPEATED, 403: "Not a member", 429: "Posting too fast (see Retry-After)"})
def post_message(room_id: int, data: dict):
    """Post a message (as `send_message` does): 201 and `duplicate: false`; a repeated
    client_id answers 200 with the first message and `duplicate: true`."""
    text = messages.clean_text(data["message"])
    message, created = retry_on_conflict(
        messages.post,
        author=messages.person(current_user()),
        ref=room_id,
        text=text,
        client_id=data.get("client_id"),
    )
    return {**message, "duplicate": not created}, 201 if created else 200
