"""A private room's contents never reach anyone outside it: not over REST, not as events,
not through presence or typing, and not after someone has been removed from it."""

import json

import pytest

from chat.clients import error_code

SECRET = "the launch code is 0000"


@pytest.fixture
def room(new_room, member):
    """Alice's private room, and its id."""
    return new_room(member, private=True, topic="plans")["id"]


@pytest.fixture
def insider(client, member, bob, room):
    """Bob, whom Alice added to her private room."""
    response = client.post(
        f"/rooms/{room}/members", json={"user_id": bob.id}, headers=member.headers
    )
    assert response.status_code == 204
    return bob


def everything_heard(connection) -> str:
    """Every event a connection received, as one JSON text to search."""
    connection.received("")
    return json.dumps(connection.events)


def life_of_the_room(client, connect, member, insider, carol, room):
    """Alice and Bob use the room in every way there is, then Alice deletes it."""
    alice = connect(member)
    bobs = connect(insider)
    sent = alice.call("send_message", {"room": room, "message": SECRET, "client_id": "c-1"})
    assert sent["ok"] is True, sent
    message = sent["message"]["id"]
    assert bobs.call("typing", {"room": room})["ok"] is True
    assert bobs.call("mark_read", {"room": room, "id": message})["ok"] is True
    assert alice.call("edit_message", {"id": message, "message": SECRET + "!"})["ok"] is True
    path = f"/rooms/{room}"
    assert (
        client.patch(path, json={"name": "secret-plans"}, headers=member.headers).status_code == 200
    )
    add = client.post(f"{path}/members", json={"user_id": carol.id}, headers=member.headers)
    assert add.status_code == 204
    assert client.delete(f"{path}/members/{carol.id}", headers=member.headers).status_code == 204
    assert alice.call("delete_message", {"id": message})["ok"] is True
    assert client.delete(path, headers=member.headers).status_code == 204


def test_outsiders_hear_nothing_of_a_private_rooms_life(
    app, client, connect, api, member, insider, carol, room
):
    outsiders = [connect(api.member(username="eve")), connect(api.admin(username="root"))]

    life_of_the_room(client, connect, member, insider, carol, room)

    for outsider in outsiders:
        heard = everything_heard(outsider)
        assert SECRET not in heard
        assert "secret-plans" not in heard and "plans" not in heard
        assert {e["name"] for e in outsider.events} <= {"presence"}


def test_a_member_removed_from_a_private_room_hears_nothing_more(
    client, connect, member, insider, room
):
    bobs = connect(insider)
    path = f"/rooms/{room}/members/{insider.id}"
    assert client.delete(path, headers=member.headers).status_code == 204
    bobs.forget()

    connect(member).call("send_message", {"room": room, "message": SECRET})
    connect(member).call("typing", {"room": room})

    assert SECRET not in everything_heard(bobs)
    assert bobs.received("typing") == []


@pytest.mark.parametrize("path", ["", "/messages", "/members", "/messages?after=0"])
def test_a_private_room_is_not_found_by_outsiders_over_rest(client, api, member, room, path):
    eve = api.member(username="eve")
    connect_secret = {"room": room, "message": SECRET}
    client.post(f"/rooms/{room}/messages", json=connect_secret, headers=member.headers)

    response = client.get(f"/rooms/{room}{path}", headers=eve.headers)

    assert response.status_code == 404
    assert SECRET not in response.get_data(as_text=True)
    listed = client.get("/rooms", headers=eve.headers).get_json()
    assert room not in [r["id"] for r in listed]


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("resume", lambda room: {"last_ids": {str(room): 0}}),
        ("who_is_online", lambda room: {"room": room}),
        ("typing", lambda room: {"room": room}),
        ("join_room", lambda room: {"room": room}),
        ("mark_read", lambda room: {"room": room, "id": 1}),
        ("send_message", lambda room: {"room": room, "message": "let me in"}),
    ],
)
def test_a_private_room_is_not_found_by_outsiders_over_events(
    connect, api, member, room, event, payload
):
    connect(member).call("send_message", {"room": room, "message": SECRET})
    eve = connect(api.member(username="eve"))

    ack = eve.call(event, payload(room))

    assert error_code(ack) == "room_not_found"
    assert SECRET not in json.dumps(ack)


def test_a_private_room_is_not_found_by_name_either(connect, api, member, room):
    eve = connect(api.member(username="eve"))

    ack = eve.call("send_message", {"room": "room-1", "message": "guess"})

    assert error_code(ack) == "room_not_found"


def test_presence_tells_outsiders_who_is_online_but_not_where(connect, api, member, insider, room):
    eve = connect(api.member(username="eve"))
    connect(insider)

    online = eve.call("who_is_online", {})

    assert online["ok"] is True
    assert insider.id in online["users"]
    assert all(set(p) == {"user", "online"} for p in eve.received("presence"))
