"""Messages: post (idempotent by client_id), edit, delete, history."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import ApiError
from ..extensions import db
from ..i18n import N_
from ..models import Message, Room, User, utcnow
from ..schemas import storable
from . import realtime, rooms
from .group_commit import LeaderStopped

MAX_TEXT = 4000
HISTORY_MAX = 200
MAX_ID = 2**31 - 1


def clean_text(text: object) -> str:
    """Return the trimmed text, or raise a 422 if it is not 1–4000 characters."""
    if not isinstance(text, str):
        raise _invalid("message", N_("The message must be text."))
    text = text.strip()
    if not storable(text):
        raise _invalid("message", N_("Remove the control or invalid characters."))
    if not text:
        raise _invalid("message", N_("The message is empty."))
    if len(text) > MAX_TEXT:
        raise _invalid("message", N_("The message is longer than 4000 characters."))
    return text


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, fields={field: message})


@dataclass(frozen=True, slots=True)
class Draft:
    """A message to store: checked by its sender, stored by whoever leads the batch."""

    author: dict  # {id, username, name}
    room_id: int
    room_name: str
    text: str
    client_id: str | None


def send(*, author: dict, room: Room, text: str, client_id: str | None = None) -> tuple[dict, bool]:
    """Store a message by `author` ({id, username, name}, a member: see
    rooms.find_for_writing) and broadcast it after commit; answer with the message as clients
    see it, built before the commit (nothing is read back, so a database lost right after
    the commit cannot turn a stored message into an error). A repeated client_id answers
    with the first message instead, and broadcasts nothing.

    Messages sent at the same moment are stored in one transaction (group_commit.py); each
    is answered once the transaction holding it has committed."""
    draft = Draft(author, room.id, room.name, text, client_id)
    # End this session's own transaction (its checks, which wrote nothing) first: waiting
    # for the batch holds no connection, and a batch failing on the leader's connection
    # leaves this one clean.
    db.session.rollback()
    try:
        return current_app.extensions["papo"].message_batches.submit(room.id, draft)
    except LeaderStopped:
        stopping = "The service is unavailable; try again shortly."
        raise ApiError(503, "service_unavailable", stopping) from None


def store_batch(drafts: list[Draft]) -> list[tuple[dict, bool] | Exception]:
    """Store `drafts` in one transaction; if one of them repeats a client_id, one by one."""
    try:
        stored = _insert(drafts)
        db.session.commit()
    except IntegrityError as exc:  # a client_id used before (or twice in this batch)
        db.session.rollback()
        if len(drafts) == 1:
            return [_earlier(drafts[0], exc)]
        return [_alone(draft) for draft in drafts]
    return [payload if isinstance(payload, Exception) else (payload, True) for payload in stored]


def _alone(draft: Draft) -> tuple[dict, bool] | Exception:
    """Store one draft in its own transaction; a failure is its outcome (the others stand)."""
    try:
        return store_batch([draft])[0]
    except Exception as exc:  # the database went away midway: earlier drafts are stored
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        return exc


def _earlier(draft: Draft, exc: IntegrityError) -> tuple[dict, bool] | Exception:
    earlier = _by_client_id(draft.author["id"], draft.client_id) if draft.client_id else None
    if earlier is None:
        return exc
    return public(earlier, earlier.room), False


def _insert(drafts: list[Draft]) -> list[dict | ApiError]:
    """Insert the messages and queue their broadcasts; return them as clients see them."""
    created_at = utcnow()
    by_room: dict[int, list[Draft]] = {}
    for draft in drafts:
        by_room.setdefault(draft.room_id, []).append(draft)
    shaped: dict[int, dict | ApiError] = {}  # id(draft) → payload, or why not stored
    # Rooms are locked in id order: two batches (two processes) never wait on each other.
    for room_id, group in sorted(by_room.items()):
        # Bumping the room's counter row-locks it: in one room, ids are handed out and
        # committed in the same order, so "everything after id N" never skips a message
        # committed later.
        bump = {"room": room_id, "count": len(group)}
        last_seq = db.session.execute(_BUMP, bump).scalar_one_or_none()
        if last_seq is None:  # deleted since its senders checked it
            gone = ApiError(404, "room_not_found", "There is no room with id %(id)s.", id=room_id)
            shaped.update((id(draft), gone) for draft in group)
            continue
        first_seq = last_seq - len(group) + 1
        rows = [
            {
                "room_id": room_id,
                "seq": first_seq + n,
                "author_id": draft.author["id"],
                "body": draft.text,
                "client_id": draft.client_id,
                "created_at": created_at,
                "deleted": False,
            }
            for n, draft in enumerate(group)
        ]
        ids = db.session.execute(_INSERT, rows).scalars().all()
        db.session.execute(_LAST, {"room": room_id, "last": ids[-1]})
        for n, (draft, message_id) in enumerate(zip(group, ids, strict=True)):
            payload = _shape(
                message_id,
                room_id,
                draft.room_name,
                first_seq + n,
                draft.author,
                draft.text,
                created_at,
                None,
                False,
                draft.client_id,
            )
            realtime.broadcast("receive_message", payload, room_id)
            shaped[id(draft)] = payload
    return [shaped[id(draft)] for draft in drafts]


# Built once: executing a prebuilt statement skips building it and its cache key again.
_rooms, _messages = Room.__table__, Message.__table__
_BUMP = (
    update(_rooms)
    .where(_rooms.c.id == bindparam("room"))
    .values(last_seq=_rooms.c.last_seq + bindparam("count"))
    .returning(_rooms.c.last_seq)
)
_INSERT = insert(_messages).returning(_messages.c.id, sort_by_parameter_order=True)
_LAST = (
    update(_rooms).where(_rooms.c.id == bindparam("room")).values(last_message_id=bindparam("last"))
)


def _by_client_id(author_id: int, client_id: str) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.author_id == author_id, Message.client_id == client_id)
    )


def get_for_change(*, actor: User, message_id: int) -> Message:
    """Return a message the actor may edit or delete (own, or any for admins)."""
    message = db.session.get(Message, message_id) if 0 < message_id <= MAX_ID else None
    if message is None or message.deleted or not rooms.can_see(message.room, actor):
        raise ApiError(
            404, "message_not_found", "There is no message with id %(id)s.", id=message_id
        )
    if message.author_id != actor.id and not actor.is_admin:
        raise ApiError(403, "forbidden", "You may only change your own messages.")
    return message


def edit(*, actor: User, message_id: int, text: str) -> Message:
    """Replace a message's text and tell the room."""
    message = get_for_change(actor=actor, message_id=message_id)
    message.body = text
    message.edited_at = utcnow()
    realtime.broadcast("message_updated", public(message, message.room), message.room_id)
    db.session.commit()
    return message


def remove(*, actor: User, message_id: int) -> Message:
    """Delete a message (its text is erased; a tombstone keeps ids and seqs whole)."""
    message = get_for_change(actor=actor, message_id=message_id)
    message.deleted = True
    message.body = ""
    message.edited_at = utcnow()
    payload = {"id": message.id, "room": message.room_id, "seq": message.seq}
    realtime.broadcast("message_deleted", payload, message.room_id)
    db.session.commit()
    return message


def history(
    *, room: Room, before: int | None = None, after: int | None = None, limit: int = 50
) -> list[Message]:
    """Return messages of the room: newest first before an id, oldest first after one.

    The REST schema bounds `limit` to HISTORY_MAX; `resume` asks for more at once."""
    limit = max(1, limit)
    query = select(Message).where(Message.room_id == room.id)
    if after is not None:
        query = query.where(Message.id > after).order_by(Message.id.asc())
    else:
        if before is not None:
            query = query.where(Message.id < before)
        query = query.order_by(Message.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def public(message: Message, room: Room, author: dict | None = None) -> dict:
    """The message as clients receive it (`author` spares loading the author's row)."""
    if author is None and message.author is not None:
        author = person(message.author)
    return _shape(
        message.id,
        room.id,
        room.name,
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
    room_id: int,
    room_name: str,
    seq: int,
    author: dict | None,
    text: str,
    created_at: datetime,
    edited_at: datetime | None,
    deleted: bool,
    client_id: str | None,
) -> dict:
    return {
        "id": message_id,
        "room": room_id,
        "room_name": room_name,
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


def person(user: User) -> dict:
    """A user as shown beside their messages."""
    return {"id": user.id, "username": user.username, "name": user.name}
