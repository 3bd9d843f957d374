"""POST /auth/register: open sign-up creates a member and signs it in."""

import pytest

from support.accounts import PASSWORD
from support.errors import error_of


def register(client, **fields):
    body = {"username": "newbie", "password": PASSWORD, "name": "New Person", **fields}
    return client.post("/auth/register", json=body)


def test_register_returns_the_user_a_token_and_its_expiry(client):
    response = register(client, age=31)

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"user", "token", "expires_at"}
    assert body["user"]["username"] == "newbie"
    assert body["user"]["name"] == "New Person"
    assert body["user"]["age"] == 31
    assert body["user"]["role"] == "member"
    assert body["user"]["active"] is True
    assert body["token"]
    assert body["expires_at"]


def test_registered_token_signs_the_new_user_in(client):
    token = register(client).get_json()["token"]

    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert me.status_code == 200
    assert me.get_json()["username"] == "newbie"


def test_register_stores_the_username_in_lower_case(client):
    response = register(client, username="  MixedCase  ")

    assert response.status_code == 201
    assert response.get_json()["user"]["username"] == "mixedcase"


def test_register_never_makes_an_admin(client):
    response = register(client, role="admin")

    assert error_of(response, 422, "validation_error")["fields"] == {"role": "Unknown field."}


@pytest.mark.app_config(open_signup=False)
def test_register_is_refused_when_signup_is_closed(client):
    error_of(register(client), 403, "signup_closed")


@pytest.mark.parametrize("taken", ["alice", "ALICE", "Alice"])
def test_register_refuses_a_username_taken_in_any_case(client, api, taken):
    api.create_user(username="alice")

    error_of(register(client, username=taken), 409, "username_taken")


def test_a_refused_duplicate_leaves_the_first_account_intact(client, api):
    first = api.create_user(username="alice")
    register(client, username="ALICE", password="another password")

    api.login(first)
