"""Seed a Papo database for the benchmarks straight through SQL, in seconds.

Users, their memberships of `general`, one session (bearer token) each and a history of
messages, written with bulk INSERTs on Papo's own tables. Every user shares one argon2 hash,
computed once: hashing 10,000 passwords (or registering 10,000 users over HTTP) would take
minutes and measure nothing the benchmarks are about.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, update

PASSWORD = "bench password, not secret"


@dataclass
class Seeded:
    """What the load generator needs to know about a seeded database."""

    room_id: int
    tokens: list[str]
    usernames: list[str]
    messages: int


def seed(
    *, database_url: str, instance_dir: Path, users: int, messages: int, secret_key: str
) -> Seeded:
    """Migrate the database, then add `users` users with tokens and `messages` messages."""
    from papo.server import create_app
    from papo.server.config import Config
    from papo.server.extensions import db
    from papo.server.models import Room

    config = Config.from_env(
        {},
        database_url=database_url,
        instance_dir=instance_dir,
        secret_key=secret_key,
        auto_migrate=True,
        log_level="WARNING",
    )
    app = create_app(config)
    with app.app_context():
        room_id = db.session.scalar(select(Room.id).where(Room.name == "general"))
        usernames, tokens = _users(db, room_id, users)
        _messages(db, room_id, messages)
        db.session.commit()
        db.engine.dispose()
    return Seeded(room_id=room_id, tokens=tokens, usernames=usernames, messages=messages)


def _users(db, room_id: int, count: int) -> tuple[list[str], list[str]]:
    from papo.server.models import AuthSession, Membership, User
    from papo.server.security import hash_password, token_digest

    now = datetime.now(UTC)
    password_hash = hash_password(PASSWORD)
    usernames = [f"bench{i:05d}" for i in range(count)]
    db.session.execute(
        insert(User),
        [
            {
                "username": name,
                "name": f"Bench User {i}",
                "age": 20 + i % 50,
                "role": "member",
                "password_hash": password_hash,
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for i, name in enumerate(usernames)
        ],
    )
    ids = dict(db.session.execute(select(User.username, User.id)).all())
    tokens = [secrets.token_urlsafe(32) for _ in usernames]
    db.session.execute(
        insert(Membership),
        [
            {"room_id": room_id, "user_id": ids[n], "joined_at": now, "last_read_id": 0}
            for n in usernames
        ],
    )
    db.session.execute(
        insert(AuthSession),
        [
            {
                "user_id": ids[name],
                "token_hash": token_digest(token),
                "created_at": now,
                "last_used_at": now,
                "expires_at": now + timedelta(days=7),
                "user_agent": "papo-bench",
                "ip_address": "127.0.0.1",
            }
            for name, token in zip(usernames, tokens, strict=True)
        ],
    )
    return usernames, tokens


def _messages(db, room_id: int, count: int) -> None:
    from papo.server.models import Message, Room, User

    if count <= 0:
        return
    first_user = db.session.scalar(select(func.min(User.id)))
    start = datetime.now(UTC) - timedelta(hours=1)
    db.session.execute(
        insert(Message),
        [
            {
                "room_id": room_id,
                "seq": n + 1,
                "author_id": first_user + n % 100,
                "body": f"seeded message {n + 1}: " + "lorem ipsum " * 4,
                "client_id": None,
                "created_at": start + timedelta(milliseconds=n),
                "deleted": False,
            }
            for n in range(count)
        ],
    )
    last_id = db.session.scalar(select(func.max(Message.id)).where(Message.room_id == room_id))
    db.session.execute(
        update(Room).where(Room.id == room_id).values(last_seq=count, last_message_id=last_id)
    )
