"""A client cannot fake the connection's own life cycle by emitting events named "connect"
or "disconnect" (python-socketio hands such events to the lifecycle handlers, which answer
them as unknown events): it stays signed in, in its rooms, and subject to revocation.
"""

import pytest

from chat.clients import error_code
from security.cast import SQLITE_ONLY

pytestmark = SQLITE_ONLY


@pytest.fixture
def room(new_room, member, bob, client):
    """Alice's private room, with Bob in it."""
    room_id = new_room(member, private=True)["id"]
    added = client.post(
        f"/rooms/{room_id}/members", json={"user_id": bob.id}, headers=member.headers
    )
    assert added.status_code == 204
    return room_id


def test_emitting_disconnect_leaves_the_connection_signed_in(connect, bob):
    bobs = connect(bob)

    bobs.call("disconnect")

    assert bobs.call("who_is_online", {})["ok"] is True


def test_emitting_disconnect_does_not_announce_the_user_offline(connect, member, bob):
    alice = connect(member)
    bobs = connect(bob)
    alice.forget()

    bobs.call("disconnect")

    assert alice.received("presence") == []


def test_emitting_disconnect_does_not_keep_a_removed_member_in_a_private_room(
    client, connect, member, bob, room
):
    bobs = connect(bob)
    bobs.call("disconnect")
    removed = client.delete(f"/rooms/{room}/members/{bob.id}", headers=member.headers)
    assert removed.status_code == 204
    bobs.forget()

    connect(member).call("send_message", {"room": room, "message": "after Bob left"})

    assert bobs.received("receive_message") == []


@pytest.mark.parametrize("revocation", ["logout", "deactivation"])
def test_emitting_disconnect_does_not_outlive_a_revocation(client, connect, admin, bob, revocation):
    bobs = connect(bob)
    bobs.call("disconnect")

    if revocation == "logout":
        client.post("/auth/logout", headers=bob.headers)
    else:
        client.patch(f"/users/{bob.id}", json={"active": False}, headers=admin.headers)

    assert not bobs.connected


def test_emitting_connect_without_a_token_is_an_error_acknowledgement(connect, bob):
    bobs = connect(bob)

    ack = bobs.call("connect")

    assert error_code(ack) == "unknown_event"
    assert bobs.connected


def test_emitting_connect_with_another_token_does_not_change_who_is_connected(connect, member, bob):
    bobs = connect(bob)

    bobs.tc.emit("connect", "", {"token": member.token}, callback=True)

    sent = bobs.call("send_message", {"message": "who am I?"})
    assert sent["message"]["author"]["id"] == bob.id
