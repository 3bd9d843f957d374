"""User administration through the REST client, as the Users tab uses it."""

from __future__ import annotations

import pytest

from client.helpers import PASSWORD, admin_api, register, unique_name
from papo.client.api import Api, ApiError


def test_an_admin_creates_finds_edits_and_deletes_a_user(server):
    admin, username = admin_api(server.url), unique_name("crud")
    created = admin.create_user(username=username, password=PASSWORD, name="Crud Person", age=30)
    assert created["role"] == "member" and created["age"] == 30
    found = admin.users(q=username)
    assert [u["id"] for u in found["items"]] == [created["id"]]
    assert found["pagination"]["total"] == 1
    edited = admin.update_user(created["id"], name="Crud Renamed", age=31, role="admin")
    assert (edited["name"], edited["age"], edited["role"]) == ("Crud Renamed", 31, "admin")
    admin.delete_user(created["id"])
    assert admin.users(q=username)["items"] == []


def test_users_come_a_page_at_a_time(server):
    admin = admin_api(server.url)
    for _ in range(3):
        register(server.url)
    first = admin.users(per_page=2)
    assert len(first["items"]) == 2 and first["pagination"]["pages"] >= 2
    second = admin.users(page=2, per_page=2)
    assert {u["id"] for u in first["items"]}.isdisjoint(u["id"] for u in second["items"])


def test_an_age_out_of_range_is_a_field_error(server):
    admin = admin_api(server.url)
    with pytest.raises(ApiError) as caught:
        admin.create_user(username=unique_name(), password=PASSWORD, name="Old", age=151)
    assert caught.value.status == 422
    assert caught.value.fields["age"] == "Age must be a whole number from 0 to 150."


def test_a_member_edits_their_own_profile(server):
    api, user = register(server.url)
    assert api.update_user(user["id"], name="New Name", age=40)["name"] == "New Name"


def test_a_member_may_not_make_themself_admin(server):
    api, user = register(server.url)
    with pytest.raises(ApiError) as caught:
        api.update_user(user["id"], role="admin")
    assert (caught.value.status, caught.value.code) == (403, "forbidden")


def test_a_member_changes_their_password_with_the_current_one(server):
    api, user = register(server.url)
    api.update_user(user["id"], password="a brand new secret", current_password=PASSWORD)
    assert Api(server.url).login(user["username"], "a brand new secret")["user"]["id"] == user["id"]


def test_a_wrong_current_password_is_named_on_its_field(server):
    api, user = register(server.url)
    with pytest.raises(ApiError) as caught:
        api.update_user(user["id"], password="a brand new secret", current_password="nope")
    assert (caught.value.status, caught.value.code) == (403, "wrong_password")
    assert "current_password" in caught.value.fields
