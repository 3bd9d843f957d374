"""Messages: post (idempotent by client_id), edit, delete, history."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ...rules import MAX_ID, MESSAGE_MAX, storable
from ..errors import ApiError
from ..extensions import db
from ..i18n import N_
from ..models import Message, Room, User, utcnow
from ..throttle import RateLimits
from ..transaction import Redo
from . import after_commit, rooms

TYPING_RATE, TYPING_BURST = 1.0, 3
LIMITS = "papo.rate_limits"  # the app's Limits, in app.extensions


def clean_text(text: object) -> str:
    """Return the trimmed text, or raise a 422 if it is not 1–4000 characters."""
    if not isinstance(text, str):
        raise _invalid("message", N_("The message must be text."))
    text = text.strip()
    if not storable(text):
        raise _invalid("message", N_("Remove the control or invalid characters."))
    if not text:
        raise _invalid("message", N_("The message is empty."))
    if len(text) > MESSAGE_MAX:
        raise _invalid("message", N_("The message is longer than 4000 characters."))
    return text


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, fields={field: message})


def post(
    *, author: dict[str, Any], ref: int | str, text: str, client_id: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Post a cleaned `text` as `author` in the room `ref` (id or name), REST and Socket.IO
    alike: rate-limited per user before any query, then as `send`. Raises Redo for a
    client_id used before (see `send`)."""
    _spend(limits().send, author["id"], N_("You are sending too fast; wait a moment."))
    room = rooms.find_for_writing(ref, author["id"])
    return send(author=author, room=room, text=text, client_id=client_id)


def send(
    *, author: dict[str, Any], room: Room, text: str, client_id: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Store a message by `author` ({id, username, name}, a member: see
    rooms.find_for_writing) and broadcast it after commit; answer with the message as clients
    see it, built before the commit (nothing is read back, so a database lost right after
    the commit cannot turn a stored message into an error). A repeated client_id raises
    Redo: once the caller has rolled back, the first message answers, broadcast to nobody."""
    try:
        return _insert(author, room, text, client_id), True
    except IntegrityError:  # this client_id was used before (or races in right now)
        if client_id is None:
            raise
        author_id = author["id"]
        raise Redo(lambda: _resent(author_id, client_id)) from None


def _resent(author_id: int, client_id: str) -> tuple[dict[str, Any], bool]:
    earlier = _by_client_id(author_id, client_id)
    if earlier is None:  # the clash was not this client_id after all
        raise ApiError(409, "conflict", N_("This conflicts with existing data."))
    return public(earlier, earlier.room), False


def typing(*, user: User, ref: int | str) -> Room:
    """Check that `user` may tell the room `ref` they are typing (a member, within the
    per-user limit); return the room."""
    room = rooms.find_visible(ref, user)
    if not rooms.is_member(room.id, user.id):
        raise ApiError(403, "not_a_member", "Join this room first.")
    _spend(limits().typing, user.id, N_("Typing notices are limited to one a second."))
    return room


@dataclass
class Limits:
    """Per-user allowances of this app: messages posted, typing notices."""

    send: RateLimits
    typing: RateLimits


def limits() -> Limits:
    """Return the app's per-user rate limits (made on first use from its configuration)."""
    extensions = current_app.extensions
    found: Limits | None = extensions.get(LIMITS)
    if found is None:
        config = extensions["papo"].config
        made = Limits(
            send=RateLimits(config.message_rate, config.message_burst),
            typing=RateLimits(TYPING_RATE, TYPING_BURST),
        )
        found = extensions.setdefault(LIMITS, made)
    return found


def _spend(allowance: RateLimits, user_id: int, message: str) -> None:
    wait = allowance.wait(user_id)
    if wait:
        seconds = str(max(1, math.ceil(wait)))
        raise ApiError(429, "rate_limited", message, headers={"Retry-After": seconds})


def _insert(author: dict[str, Any], room: Room, text: str, client_id: str | None) -> dict[str, Any]:
    """Insert the message and queue its broadcast; return it as clients see it (with its id)."""
    # Bumping the room's counter row-locks it: in one room, ids are handed out and committed
    # in the same order, so "everything after id N" never skips a message committed later.
    seq = db.session.execute(
        update(Room)
        .where(Room.id == room.id)
        .values(last_seq=Room.last_seq + 1)
        .returning(Room.last_seq),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if seq is None:  # deleted since it was looked up: its messages went with it
        raise ApiError(404, "room_not_found", "There is no room with id %(id)s.", id=room.id)
    created_at = utcnow()
    message_id = db.session.execute(
        insert(Message)
        .values(
            room_id=room.id,
            seq=seq,
            author_id=author["id"],
            body=text,
            client_id=client_id,
            created_at=created_at,
            deleted=False,
        )
        .returning(Message.id)
    ).scalar_one()
    db.session.execute(
        update(Room).where(Room.id == room.id).values(last_message_id=message_id),
        execution_options={"synchronize_session": False},
    )
    payload = _shape(message_id, room, seq, author, text, created_at, None, False, client_id)
    after_commit.broadcast("receive_message", payload, room.id)
    return payload


def _by_client_id(author_id: int, client_id: str) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.author_id == author_id, Message.client_id == client_id)
    )


def get_for_change(*, actor: User, message_id: int) -> Message:
    """Return a message the actor may edit or delete (own, or any for admins)."""
    message = db.session.get(Message, message_id) if 0 < message_id <= MAX_ID else None
    if message is None or message.deleted or not rooms.can_see(message.room, actor):
        raise _message_not_found(message_id)
    if message.author_id != actor.id and not actor.is_admin:
        raise ApiError(403, "forbidden", "You may only change your own messages.")
    return message


def _message_not_found(message_id: int) -> ApiError:
    return ApiError(404, "message_not_found", "There is no message with id %(id)s.", id=message_id)


def edit(*, actor: User, message_id: int, text: str) -> Message:
    """Replace a message's text and tell the room."""
    message = get_for_change(actor=actor, message_id=message_id)
    _change_live(message, body=text, edited_at=utcnow())
    after_commit.broadcast("message_updated", public(message, message.room), message.room_id)
    return message


def remove(*, actor: User, message_id: int) -> Message:
    """Delete a message (its text is erased; a tombstone keeps ids and seqs whole)."""
    message = get_for_change(actor=actor, message_id=message_id)
    _change_live(message, deleted=True, body="", edited_at=utcnow())
    payload = {"id": message.id, "room": message.room_id, "seq": message.seq}
    after_commit.broadcast("message_deleted", payload, message.room_id)
    return message


def _change_live(message: Message, **values: Any) -> None:
    """Write `values` to the message unless it is deleted by now (then it is a 404, as for
    any deleted message); the loaded `message` gets them too."""
    # Conditional, because a deletion may commit between reading the row and writing it:
    # PostgreSQL's UPDATE waits for that deletion, then finds the row no longer matches;
    # SQLite's waits for the write lock, then reads the row afresh.
    changed = db.session.execute(
        update(Message)
        .where(Message.id == message.id, Message.deleted.is_(False))
        .values(**values)
        .returning(Message.id),
        execution_options={"synchronize_session": "evaluate"},
    ).scalar_one_or_none()
    if changed is None:
        raise _message_not_found(message.id)


def history(
    *, room: Room, before: int | None = None, after: int | None = None, limit: int = 50
) -> list[Message]:
    """Return messages of the room: newest first before an id, oldest first after one.

    The REST schema bounds `limit` to rules.HISTORY_MAX; `resume` asks for more at once."""
    limit = max(1, limit)
    query = select(Message).where(Message.room_id == room.id)
    if after is not None:
        query = query.where(Message.id > after).order_by(Message.id.asc())
    else:
        if before is not None:
            query = query.where(Message.id < before)
        query = query.order_by(Message.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def public(message: Message, room: Room, author: dict[str, Any] | None = None) -> dict[str, Any]:
    """The message as clients receive it (`author` spares loading the author's row)."""
    if author is None and message.author is not None:
        author = person(message.author)
    return _shape(
        message.id,
        room,
        message.seq,
        author,
        message.body,
        message.created_at,
        message.edited_at,
        message.deleted,
        message.client_id,
    )


def _shape(
    message_id: int,
    room: Room,
    seq: int,
    author: dict[str, Any] | None,
    text: str,
    created_at: datetime,
    edited_at: datetime | None,
    deleted: bool,
    client_id: str | None,
) -> dict[str, Any]:
    return {
        "id": message_id,
        "room": room.id,
        "room_name": room.name,
        "seq": seq,
        "author": author,
        "message": text,
        "created_at": _iso(created_at),
        "edited_at": _iso(edited_at),
        "deleted": deleted,
        "client_id": client_id,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def person(user: User) -> dict[str, Any]:
    """A user as shown beside their messages."""
    return {"id": user.id, "username": user.username, "name": user.name}
