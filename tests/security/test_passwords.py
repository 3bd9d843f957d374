"""Passwords are stored as argon2id hashes at or above OWASP's minimum cost, whichever way
they arrive: sign-up, an admin creating an account, or a password change."""

import pytest
from argon2 import extract_parameters
from sqlalchemy import select

from papo.server import security
from papo.server.extensions import db
from papo.server.models import User
from security.cast import SQLITE_ONLY
from support.accounts import PASSWORD

# OWASP Password Storage Cheat Sheet: argon2id with one of these (memory KiB, iterations),
# parallelism 1. Any pair at least as costly in both is fine too.
OWASP_ARGON2ID = [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)]
NEW_PASSWORD = "another long passphrase"
pytestmark = pytest.mark.app_config(password_hash="standard")  # the real parameters


def meets_owasp(hash_: str) -> bool:
    """True when `hash_` is argon2id at one of OWASP's configurations or above."""
    found = extract_parameters(hash_)
    strong = any(
        found.memory_cost >= memory and found.time_cost >= rounds
        for memory, rounds in OWASP_ARGON2ID
    )
    return hash_.startswith("$argon2id$") and strong and found.parallelism >= 1


def stored_hash(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_the_configured_parameters_meet_owasps_minimum():
    assert meets_owasp(security.hash_password("anything at all"))
    assert meets_owasp(security._DUMMY_HASH)  # unknown users cost the same time


@SQLITE_ONLY
def test_a_sign_up_stores_an_owasp_strength_argon2id_hash(app, client):
    body = {"username": "newcomer", "password": PASSWORD, "name": "New"}
    assert client.post("/auth/register", json=body).status_code == 201

    assert meets_owasp(stored_hash(app, "newcomer"))


@SQLITE_ONLY
def test_an_account_made_by_an_admin_stores_an_owasp_strength_hash(app, client, admin):
    body = {"username": "made", "password": PASSWORD, "name": "Made"}
    assert client.post("/users", json=body, headers=admin.headers).status_code == 201

    assert meets_owasp(stored_hash(app, "made"))


@SQLITE_ONLY
def test_a_changed_password_is_stored_as_an_owasp_strength_hash(app, client, member):
    before = stored_hash(app, member.username)
    body = {"password": NEW_PASSWORD, "current_password": PASSWORD}

    assert client.patch(f"/users/{member.id}", json=body, headers=member.headers).status_code == 200

    after = stored_hash(app, member.username)
    assert after != before
    assert meets_owasp(after)
    assert security.verify_password(after, NEW_PASSWORD)


@SQLITE_ONLY
def test_two_accounts_with_the_same_password_get_different_hashes(app, client):
    for name in ("twin-a", "twin-b"):
        body = {"username": name, "password": PASSWORD, "name": name}
        assert client.post("/auth/register", json=body).status_code == 201

    assert stored_hash(app, "twin-a") != stored_hash(app, "twin-b")  # salted
