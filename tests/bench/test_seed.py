"""bench/seed.py fills a database through Papo's services: accounts that can sign in with
the bench password, live tokens, and a history whose counters agree with its rows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from argon2 import extract_parameters
from sqlalchemy import func, select

from papo.server.extensions import db
from papo.server.models import AuthSession, Membership, Message, Room, User
from papo.server.security import ARGON2_MEMORY_KIB, ARGON2_TIME_COST

BENCH = Path(__file__).resolve().parents[2] / "bench"
USERS, MESSAGES, LOGIN_USERS = 12, 130, 3


def _load_seed():
    spec = importlib.util.spec_from_file_location("bench_seed", BENCH / "seed.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


seed = _load_seed()


@pytest.fixture
def seeded(db_url, tmp_path):
    """A database seeded with USERS users and MESSAGES messages."""
    return seed.seed(
        database_url=db_url,
        instance_dir=tmp_path / "instance",
        users=USERS,
        messages=MESSAGES,
        secret_key="s" * 48,
        login_users=LOGIN_USERS,
    )


def test_every_user_is_stored_with_a_session_and_a_membership_of_general(seeded, app):
    with app.app_context():
        general = db.session.scalar(select(Room).where(Room.name == "general"))
        names = db.session.scalars(select(User.username).order_by(User.id)).all()
        sessions = db.session.scalar(select(func.count()).select_from(AuthSession))
        members = db.session.scalar(
            select(func.count()).where(Membership.room_id == general.id).select_from(Membership)
        )

    assert seeded.room_id == general.id
    assert names == seeded.usernames == [f"bench{i:05d}" for i in range(USERS)]
    assert sessions == members == len(seeded.tokens) == USERS


def test_the_history_is_numbered_without_gaps_and_the_room_counters_agree(seeded, app):
    with app.app_context():
        general = db.session.get(Room, seeded.room_id)
        rows = db.session.execute(
            select(Message.id, Message.seq, Message.author_id).order_by(Message.id)
        ).all()
        authors = set(db.session.scalars(select(User.id)).all())

    assert [row.seq for row in rows] == list(range(1, MESSAGES + 1))
    assert general.last_seq == MESSAGES
    assert general.last_message_id == rows[-1].id
    assert {row.author_id for row in rows} == authors  # fewer users than authors: all write


def test_the_tokens_and_the_password_sign_in_to_a_server(seeded, client):
    token = seeded.tokens[-1]
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    # The last account with a shipped-cost hash, and the first with a cheap one.
    logins = [{"username": name, "password": seed.PASSWORD} for name in seeded.usernames[2:4]]
    history = client.get(
        f"/rooms/{seeded.room_id}/messages?limit=5", headers={"Authorization": f"Bearer {token}"}
    )

    assert me.status_code == 200
    assert me.get_json()["username"] == seeded.usernames[-1]
    assert [client.post("/auth/login", json=b).status_code for b in logins] == [200, 200]
    assert sorted(m["seq"] for m in history.get_json()) == list(range(MESSAGES - 4, MESSAGES + 1))


def test_the_login_accounts_have_shipped_cost_hashes_and_the_others_the_cheapest(seeded, app):
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash).order_by(User.id)).all()
    costs = [(p.time_cost, p.memory_cost) for p in map(extract_parameters, hashes)]

    assert all(h.startswith("$argon2id$") for h in hashes)
    assert costs[:LOGIN_USERS] == [(ARGON2_TIME_COST, ARGON2_MEMORY_KIB)] * LOGIN_USERS
    assert costs[LOGIN_USERS:] == [(1, 8)] * (USERS - LOGIN_USERS)
