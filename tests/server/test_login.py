"""POST /auth/login: the right password opens a session; every failure looks the same."""

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import update

from papo.server.extensions import db
from papo.server.models import User
from papo.server.security import (
    ARGON2_MEMORY_KIB,
    ARGON2_PARALLELISM,
    ARGON2_TIME_COST,
)
from support.accounts import PASSWORD
from support.errors import error_of

STANDARD_HASH = pytest.mark.app_config(password_hash="standard")  # the real parameters


def login(client, username, password=PASSWORD, **request):
    return client.post("/auth/login", json={"username": username, "password": password}, **request)


def stored_hash(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_login_returns_the_user_a_token_and_its_expiry(client, api):
    account = api.create_user(username="alice")

    response = login(client, "alice")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"user", "token", "expires_at"}
    assert body["user"]["id"] == account.id
    assert body["token"]


def test_login_ignores_the_case_and_spaces_of_the_username(client, api):
    api.create_user(username="alice")

    assert login(client, " Alice ").status_code == 200


def test_each_login_opens_a_new_session_with_its_own_token(client, api):
    account = api.create_user()

    first, second = api.login(account), api.login(account)

    assert first.token != second.token
    assert first.session_id != second.session_id


@pytest.fixture
def refusals(client, api):
    """The responses to a wrong password, an unknown user and a deactivated user."""
    api.create_user(username="alice")
    api.create_user(username="gone", active=False)
    return {
        "wrong password": login(client, "alice", "not the password"),
        "unknown user": login(client, "nobody"),
        "deactivated user": login(client, "gone"),
    }


def test_every_failed_login_is_the_same_401(refusals):
    bodies = {case: error_of(r, 401, "invalid_credentials") for case, r in refusals.items()}

    assert len({repr(body) for body in bodies.values()}) == 1, bodies


def test_failed_logins_send_the_same_headers(refusals):
    headers = {case: sorted(r.headers.keys()) for case, r in refusals.items()}

    assert len({repr(h) for h in headers.values()}) == 1, headers


def test_a_password_prefix_does_not_sign_in(client, api):
    api.create_user(username="alice", password="p" * 100)

    error_of(login(client, "alice", "p" * 99), 401, "invalid_credentials")


@STANDARD_HASH
def test_new_password_hashes_use_argon2id_at_least_at_the_owasp_minimum(app, api):
    account = api.create_user()

    parameters = extract_parameters(stored_hash(app, account.id))

    assert stored_hash(app, account.id).startswith("$argon2id$")
    assert parameters.memory_cost >= 19456
    assert parameters.time_cost >= 2
    assert parameters.parallelism >= 1


@STANDARD_HASH
def test_login_rehashes_a_password_stored_with_other_parameters(app, client, api):
    account = api.create_user(username="alice")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        db.session.execute(update(User).where(User.id == account.id).values(password_hash=weak))
        db.session.commit()

    assert login(client, "alice").status_code == 200

    rehashed = stored_hash(app, account.id)
    assert rehashed != weak
    parameters = extract_parameters(rehashed)
    assert parameters.memory_cost == ARGON2_MEMORY_KIB
    assert parameters.time_cost == ARGON2_TIME_COST
    assert parameters.parallelism == ARGON2_PARALLELISM
    assert login(client, "alice").status_code == 200


@STANDARD_HASH
def test_login_keeps_a_hash_made_with_todays_parameters(app, client, api):
    account = api.create_user(username="alice")
    before = stored_hash(app, account.id)

    login(client, "alice")

    assert stored_hash(app, account.id) == before
