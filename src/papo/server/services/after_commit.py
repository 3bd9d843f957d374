"""What the live connections must learn after a database change commits.

Services call these functions inside their transaction; the work runs only once the
transaction commits (and is dropped if it rolls back), so no client ever hears of a
change the database does not hold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, cast

from flask import current_app
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Membership

log = logging.getLogger(__name__)

PENDING = "papo_after_commit"


def after_commit(action: Callable[[], Any]) -> None:
    """Run `action` once the current transaction commits."""
    db.session.info.setdefault(PENDING, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    for action in session.info.pop(PENDING, []):
        action()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


class LiveConnections(Protocol):
    """What the services ask of the live connections (realtime/hub.py `Hub` is one): the
    app holds it in `extensions["papo.hub"]`, so the services need not import the edges."""

    def follow_membership(
        self, room_id: int, user_id: int, member_now: Callable[[], bool]
    ) -> None: ...
    def drop_user(self, user_id: int, keep_session: int | None = None) -> None: ...
    def drop_session(self, session_id: int, user_id: int) -> None: ...
    def rename(self, user_id: int, username: str, name: str) -> None: ...
    def emit_to_room(self, event: str, payload: dict[str, Any], room_id: int) -> None: ...


def _hub() -> LiveConnections:
    return cast(LiveConnections, current_app.extensions["papo.hub"])


def joined(room_id: int, user_id: int) -> None:
    """The user's live connections start receiving the room's events."""
    _membership_changed(room_id, user_id, True)


def left(room_id: int, user_id: int) -> None:
    """The user's live connections stop receiving the room's events."""
    _membership_changed(room_id, user_id, False)


def _membership_changed(room_id: int, user_id: int, member: bool) -> None:
    # Two changes of one membership may commit in one order and reach this point in the other:
    # the hub follows what the database holds when it acts, not what this transaction did.
    engine = db.engine
    after_commit(
        lambda: _hub().follow_membership(
            room_id, user_id, lambda: _member_now(engine, room_id, user_id, member)
        )
    )


def _member_now(engine: Engine, room_id: int, user_id: int, fallback: bool) -> bool:
    # The session cannot run SQL while it commits: read on a connection of its own.
    query = select(Membership.user_id).where(
        Membership.room_id == room_id, Membership.user_id == user_id
    )
    try:
        with engine.connect() as connection:
            return connection.scalar(query) is not None
    except (OperationalError, PoolTimeout):  # cannot read: do as this transaction did
        log.warning("membership of user %s in room %s not re-read", user_id, room_id)
        return fallback


def sessions_ended(user_id: int, keep_session: int | None = None) -> None:
    """Close the user's live connections, except those of `keep_session`."""
    after_commit(lambda: _hub().drop_user(user_id, keep_session=keep_session))


def session_ended(session_id: int, user_id: int) -> None:
    """Close the live connections opened with this session."""
    after_commit(lambda: _hub().drop_session(session_id, user_id))


def broadcast(event_name: str, payload: dict[str, Any], room_id: int) -> None:
    """Send `event_name` to the room's members."""
    after_commit(lambda: _hub().emit_to_room(event_name, payload, room_id))


def profile_changed(user_id: int, username: str, name: str) -> None:
    """Live connections show the user's new name from now on."""
    after_commit(lambda: _hub().rename(user_id, username, name))
