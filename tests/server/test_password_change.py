"""Changing a password: the current one is needed for your own; other sessions end."""

import pytest
from sqlalchemy import func, select

from papo.server.extensions import db
from papo.server.models import AuthSession
from support.errors import error_of

NEW = "a brand new password"


def change_own_password(client, account, **extra):
    body = {"password": NEW, "current_password": account.password, **extra}
    return client.patch(f"/users/{account.id}", json=body, headers=account.headers)


def login(client, account, password):
    return client.post("/auth/login", json={"username": account.username, "password": password})


def test_a_member_changes_its_password_with_the_current_one(client, member):
    assert change_own_password(client, member).status_code == 200

    assert login(client, member, NEW).status_code == 200
    error_of(login(client, member, member.password), 401, "invalid_credentials")


def test_changing_the_password_ends_every_other_session(app, client, api, member):
    laptop, phone = api.login(member), api.login(member)

    change_own_password(client, member)

    for other in (laptop, phone):
        error_of(client.get("/auth/me", headers=other.headers), 401, "token_invalid")
    assert client.get("/auth/me", headers=member.headers).status_code == 200
    with app.app_context():
        query = select(func.count()).where(AuthSession.user_id == member.id)
        assert db.session.scalar(query) == 1


def test_put_changes_the_password_the_same_way(client, api, member):
    other = api.login(member)
    body = {"name": "Alice", "password": NEW, "current_password": member.password}

    assert client.put(f"/users/{member.id}", json=body, headers=member.headers).status_code == 200

    error_of(client.get("/auth/me", headers=other.headers), 401, "token_invalid")
    assert login(client, member, NEW).status_code == 200


@pytest.mark.parametrize("current", [None, "", "wrong password"], ids=["missing", "empty", "wrong"])
def test_a_missing_or_wrong_current_password_is_403(client, api, member, current):
    other = api.login(member)
    body = {"password": NEW} if current is None else {"password": NEW, "current_password": current}

    response = client.patch(f"/users/{member.id}", json=body, headers=member.headers)

    error = error_of(response, 403, "wrong_password")
    assert "current_password" in error["fields"]
    assert login(client, member, member.password).status_code == 200
    assert client.get("/auth/me", headers=other.headers).status_code == 200


def test_an_admin_sets_a_members_password_without_the_current_one(client, admin, member):
    response = client.patch(f"/users/{member.id}", json={"password": NEW}, headers=admin.headers)

    assert response.status_code == 200
    assert login(client, member, NEW).status_code == 200


def test_a_password_set_by_an_admin_ends_all_the_members_sessions(client, admin, member):
    client.patch(f"/users/{member.id}", json={"password": NEW}, headers=admin.headers)

    error_of(client.get("/auth/me", headers=member.headers), 401, "token_invalid")
    assert client.get("/auth/me", headers=admin.headers).status_code == 200


def test_an_admin_changing_its_own_password_needs_the_current_one(client, admin):
    response = client.patch(f"/users/{admin.id}", json={"password": NEW}, headers=admin.headers)

    error_of(response, 403, "wrong_password")


def test_a_member_cannot_change_another_members_password(client, api, member):
    other = api.create_user()
    body = {"password": NEW, "current_password": member.password}

    response = client.patch(f"/users/{other.id}", json=body, headers=member.headers)

    error_of(response, 403, "forbidden")
    assert login(client, other, other.password).status_code == 200


def test_the_new_password_must_be_valid(client, member):
    response = change_own_password(client, member, password="short")

    assert "password" in error_of(response, 422, "validation_error")["fields"]
