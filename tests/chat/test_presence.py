"""Presence: who is online, told to everyone connected; a user is online until the last closes."""

import pytest

from chat.clients import error_code


def person(account, name):
    return {"id": account.id, "username": account.username, "name": name}


def presence_of(connection, account):
    """The presence events about `account` that `connection` received, as online flags."""
    return [p["online"] for p in connection.received("presence") if p["user"]["id"] == account.id]


def test_connecting_tells_others_the_user_came_online(connect, member, bob):
    bobs = connect(bob)

    connect(member)

    assert {"user": person(member, "Alice Martin"), "online": True} in bobs.received("presence")


def test_the_last_connection_closing_tells_others_the_user_went_offline(connect, member, bob):
    bobs, alice = connect(bob), connect(member)

    alice.close()

    assert presence_of(bobs, member) == [True, False]


def test_a_second_connection_does_not_announce_the_user_again(connect, api, member, bob):
    bobs = connect(bob)
    connect(member)

    connect(api.login(member))

    assert presence_of(bobs, member) == [True]


def test_a_user_with_two_connections_stays_online_until_the_last_closes(connect, api, member, bob):
    bobs = connect(bob)
    first, second = connect(member), connect(api.login(member))

    first.close()
    assert presence_of(bobs, member) == [True]
    assert member.id in bobs.call("who_is_online", {})["users"]

    second.close()
    assert presence_of(bobs, member) == [True, False]
    assert member.id not in bobs.call("who_is_online", {})["users"]


def test_a_connection_dropped_by_logout_tells_others_the_user_went_offline(
    connect, client, member, bob
):
    bobs = connect(bob)
    connect(member)

    client.post("/auth/logout", headers=member.headers)

    assert presence_of(bobs, member) == [True, False]


def test_who_is_online_lists_the_online_people_you_share_a_room_with(
    connect, api, member, bob, carol
):
    for account in (member, bob):
        connect(account)
    api.create_user(username="dave")  # shares general, never connects

    ack = connect(carol).call("who_is_online", {})

    assert ack["ok"] is True
    assert sorted(ack["users"]) == sorted([member.id, bob.id, carol.id])


@pytest.mark.parametrize("payload", [None, {}], ids=["no-payload", "empty"])
def test_who_is_online_needs_no_payload(connect, member, payload):
    assert connect(member).call("who_is_online", payload) == {"ok": True, "users": [member.id]}


def test_who_is_online_in_a_room_lists_only_its_online_members(
    connect, client, member, bob, carol, new_room
):
    room = new_room(member)
    client.post(f"/rooms/{room['id']}/join", headers=bob.headers)
    alice, _bobs, _carols = connect(member), connect(bob), connect(carol)

    for ref in (room["id"], room["name"]):
        ack = alice.call("who_is_online", {"room": ref})
        assert sorted(ack["users"]) == sorted([member.id, bob.id])


@pytest.mark.parametrize("payload", [{"room": True}, {"room": 0}, "general", [1]], ids=repr)
def test_who_is_online_with_a_malformed_payload_is_a_validation_error(connect, member, payload):
    assert error_code(connect(member).call("who_is_online", payload)) == "validation_error"


def test_who_is_online_in_a_private_room_you_are_not_in_is_room_not_found(
    connect, member, bob, new_room
):
    secret = new_room(bob, private=True)

    ack = connect(member).call("who_is_online", {"room": secret["id"]})

    assert error_code(ack) == "room_not_found"


def test_the_member_list_marks_who_is_online(connect, client, member, bob, general):
    connect(bob)

    response = client.get(f"/rooms/{general}/members", headers=member.headers)

    assert response.status_code == 200
    assert response.get_json() == [
        {**person(member, "Alice Martin"), "role": "member", "online": False},
        {**person(bob, "Bob Stone"), "role": "member", "online": True},
    ]


def test_the_member_list_shows_a_user_offline_once_the_last_connection_closed(
    connect, client, member, bob, general
):
    connect(bob).close()

    listed = client.get(f"/rooms/{general}/members", headers=member.headers).get_json()

    assert [m["online"] for m in listed if m["id"] == bob.id] == [False]
