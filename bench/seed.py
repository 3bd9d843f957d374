"""Seed a Papo database for the benchmarks through Papo's own services, in seconds.

Users (members of `general`, as every new account is), one session (bearer token) each and
a history of messages, each made by the service the API calls: users.create_user,
sessions.start and messages.send. The first LOGIN_USERS accounts, which the login benchmark
signs in with, get argon2id hashes at the shipped cost; the others are hashed with
PAPO_PASSWORD_HASH=fast (argon2id at its lowest cost, allowed only in a testing Config):
10,000 real-cost hashes would take minutes and measure nothing the benchmarks are about.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

PASSWORD = "bench password, not secret"
LOGIN_USERS = 200  # bench/run.py's POST /auth/login signs in as these
AUTHORS = 100  # messages are spread over the first 100 users
BATCH = 500  # rows per commit: services leave the commit to their caller


@dataclass
class Seeded:
    """What the load generator needs to know about a seeded database."""

    room_id: int
    tokens: list[str]
    usernames: list[str]
    messages: int


def seed(
    *,
    database_url: str,
    instance_dir: Path,
    users: int,
    messages: int,
    secret_key: str,
    login_users: int = LOGIN_USERS,
) -> Seeded:
    """Migrate the database, then add `users` users with tokens and `messages` messages; the
    first `login_users` have password hashes at the shipped cost."""
    from papo.server import create_app
    from papo.server.config import Config
    from papo.server.extensions import db

    config = Config.from_env(
        {},
        database_url=database_url,
        instance_dir=instance_dir,
        secret_key=secret_key,
        auto_migrate=True,
        log_level="WARNING",
        testing=True,  # allows the fast hash; these apps never serve
        message_rate=1e6,  # one process writes the whole history at once
        message_burst=10**6,
    )
    shipped = create_app(config)
    fast = create_app(replace(config, auto_migrate=False, password_hash="fast"))
    with shipped.app_context():
        usernames, tokens, authors = _users(db, range(min(users, login_users)))
        db.engine.dispose()
    with fast.app_context():
        names, more_tokens, more_authors = _users(db, range(login_users, users))
        room_id = _messages(db, authors + more_authors, messages)
        db.engine.dispose()
    return Seeded(room_id, tokens + more_tokens, usernames + names, messages)


def _users(db, numbers: range) -> tuple[list[str], list[str], list[dict]]:
    """Create the accounts and their sessions; return usernames, tokens and the authors."""
    from papo.server.services import messages, sessions, users

    usernames, tokens, authors = [], [], []
    for i in numbers:
        user = users.create_user(
            username=f"bench{i:05d}", password=PASSWORD, name=f"Bench User {i}", age=20 + i % 50
        )
        token, _session = sessions.start(user, user_agent="papo-bench", ip_address="127.0.0.1")
        usernames.append(user.username)
        tokens.append(token)
        if i < AUTHORS:
            authors.append(messages.person(user))
        if (i + 1) % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return usernames, tokens, authors


def _messages(db, authors: list[dict], count: int) -> int:
    """Post `count` messages in `general`, the authors taking turns; return the room's id."""
    from papo.server.services import messages, rooms

    room = rooms.ensure_general()
    room_id = room.id
    if count and not authors:
        raise ValueError("seeding messages needs at least one user")
    for n in range(count):
        author = authors[n % len(authors)]
        text = f"seeded message {n + 1}: " + "lorem ipsum " * 4
        messages.send(author=author, room=room, text=text)
        if (n + 1) % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return room_id
