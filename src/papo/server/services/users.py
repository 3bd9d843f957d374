"""Users: creation, lookup, listing, profile changes and deletion, with who may do what."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ...rules import MAX_ID
from ..errors import ApiError
from ..extensions import db
from ..i18n import N_
from ..models import User, count_active_admins
from ..security import hash_password, verify_password
from . import after_commit, rooms, sessions

MEMBER_EDITABLE = {"name", "age", "password", "current_password"}


class NewAccount(TypedDict):
    """What a new account is made of, whoever makes it (sign-up, an admin, the CLI)."""

    username: str
    password: str
    name: str
    age: NotRequired[int | None]


def create_user(
    *, role: str = "member", active: bool = True, **account: Unpack[NewAccount]
) -> User:
    """Store a new account; a taken username (any case) is a 409."""
    user = User(
        username=account["username"],
        name=account["name"],
        age=account.get("age"),
        role=role,
        active=active,
        password_hash=hash_password(account["password"]),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the caller's unit of work rolls back
        raise ApiError(409, "username_taken", "This username is already taken.") from None
    rooms.join_general(user)
    return user


def get_user(user_id: int) -> User:
    """Return the user with this id, or raise a 404."""
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise ApiError(404, "user_not_found", "There is no user with id %(id)s.", id=user_id)
    return user


def find_by_username(username: str) -> User | None:
    """Return the user with this username (case-insensitive), if any."""
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def list_users(*, q: str = "", page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    """Return one page of users ordered by id, filtered by text in username or name."""
    query = select(User)
    if q.strip():
        pattern = "%" + _escape_like(q.strip().lower()) + "%"
        query = query.where(
            or_(
                User.username.like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(User.id).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def update_user(
    *, actor: User, user: User, changes: dict[str, Any], current_session_id: int | None = None
) -> User:
    """Apply `changes` to `user` if `actor` may; password changes end the other sessions."""
    _check_may_edit(actor, user, changes)
    if "password" in changes:
        _change_password(actor, user, changes, current_session_id)
    if changes.get("role", user.role) != user.role or changes.get("active") is False:
        _keep_an_admin(user)
    for field in ("name", "age", "role", "active"):
        if field in changes:
            setattr(user, field, changes[field])
    if user.active is False:
        sessions.end_all(user)
    if "name" in changes:
        after_commit.profile_changed(user.id, user.username, user.name)
    db.session.flush()
    return user


def _check_may_edit(actor: User, user: User, changes: dict[str, Any]) -> None:
    if actor.is_admin:
        return
    if actor.id != user.id:
        raise ApiError(403, "forbidden", "Members may only edit their own profile.")
    denied = sorted(set(changes) - MEMBER_EDITABLE)
    if denied:
        raise ApiError(
            403, "forbidden", "Only an admin may change: %(names)s.", names=", ".join(denied)
        )


def _change_password(
    actor: User, user: User, changes: dict[str, Any], current_session_id: int | None
) -> None:
    if actor.id == user.id:
        current = changes.get("current_password")
        if not current or not verify_password(user.password_hash, current):
            raise ApiError(
                403,
                "wrong_password",
                "The current password is missing or wrong.",
                fields={"current_password": N_("Enter your current password to change it.")},
            )
    user.password_hash = hash_password(changes["password"])
    keep = current_session_id if actor.id == user.id else None
    sessions.end_all(user, keep=keep)


def _keep_an_admin(user: User) -> None:
    """Refuse to demote or deactivate the last active admin."""
    if user.is_admin and user.active and count_active_admins(lock=True) <= 1:
        raise ApiError(409, "last_admin", "The last active admin cannot be demoted or deactivated.")


def delete_user(*, actor: User, user: User) -> None:
    """Delete an account (admins only); its sessions go with it."""
    if not actor.is_admin:
        raise ApiError(403, "forbidden", "Only an admin may delete users.")
    if user.is_admin and user.active and count_active_admins(lock=True) <= 1:
        raise ApiError(409, "last_admin", "The last active admin cannot be deleted.")
    sessions.end_all(user)
    db.session.delete(user)
    db.session.flush()


def require_admin(actor: User, message: str) -> None:
    """Raise a 403 with `message` unless `actor` is an admin."""
    if not actor.is_admin:
        raise ApiError(403, "forbidden", message)
