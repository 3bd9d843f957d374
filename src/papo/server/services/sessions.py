"""Sign-in sessions: bearer tokens stored hashed, with idle and absolute expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ...rules import MAX_ID
from ..config import Config
from ..errors import ApiError
from ..extensions import db
from ..models import AuthSession, User, utcnow
from ..security import new_token, token_digest
from . import after_commit

# Writing last_used_at on every request would turn each read into a write.
TOUCH_EVERY = timedelta(minutes=1)


def _config() -> Config:
    config: Config = current_app.extensions["papo"].config
    return config


def start(user: User, *, user_agent: str = "", ip_address: str = "") -> tuple[str, AuthSession]:
    """Open a session for `user`; return the token (shown once) and the stored session."""
    token = new_token()
    now = utcnow()
    session = AuthSession(
        user=user,
        token_hash=token_digest(token),
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=_config().token_max_days),
        user_agent=user_agent[:200],
        ip_address=ip_address[:64],
    )
    db.session.add(session)
    db.session.flush()
    return token, session


def resolve(token: str, *, now: datetime | None = None) -> AuthSession:
    """Return the live session for `token`, or raise a 401 saying why not.

    Refusing an expired token removes its session: the caller commits even when this raises
    (`unit_of_work(keep_on=(ApiError,))`)."""
    if not token:
        raise ApiError(401, "token_missing", "Sign in first: send 'Authorization: Bearer <token>'.")
    session = db.session.scalar(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token))
    )
    now = now or utcnow()
    # The user may be deleted between these two reads (then the session went with them).
    if session is None or session.user is None or not session.user.active:
        raise ApiError(401, "token_invalid", "This token is not valid (signed out or revoked).")
    if _expired(session, now):
        db.session.delete(session)
        db.session.flush()
        raise ApiError(401, "token_expired", "This session has expired; sign in again.")
    if now - session.last_used_at >= TOUCH_EVERY:
        session.last_used_at = now
        db.session.flush()
    return session


def is_open(session_id: int) -> bool:
    """True while the session exists (read from the database, not the session's cache)."""
    query = select(AuthSession.id).where(AuthSession.id == session_id)
    return db.session.scalar(query) is not None


def _expired(session: AuthSession, now: datetime) -> bool:
    idle = timedelta(minutes=_config().token_idle_minutes)
    return now >= session.expires_at or now >= session.last_used_at + idle


def list_for(user: User) -> list[AuthSession]:
    """Return the user's sessions, newest first."""
    query = select(AuthSession).where(AuthSession.user_id == user.id)
    return list(db.session.scalars(query.order_by(AuthSession.id.desc())))


def end(user: User, session_id: int) -> None:
    """End one of the user's own sessions (404 if it is not theirs)."""
    session = db.session.get(AuthSession, session_id) if 0 < session_id <= MAX_ID else None
    if session is None or session.user_id != user.id:
        raise ApiError(
            404, "session_not_found", "You have no session with id %(id)s.", id=session_id
        )
    close(session)


def close(session: AuthSession) -> None:
    """End a session: its token stops working and its live connections are dropped."""
    after_commit.session_ended(session.id, session.user_id)
    db.session.delete(session)
    db.session.flush()


def end_all(user: User, *, keep: int | None = None) -> None:
    """End every session of `user`, except `keep` if given."""
    query = delete(AuthSession).where(AuthSession.user_id == user.id)
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    db.session.execute(query)
    after_commit.sessions_ended(user.id, keep_session=keep)
