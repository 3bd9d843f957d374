"""Who may send each Socket.IO event, on a public and a private room.

Columns follow security.cast.ACTORS without "anonymous", whom the server never lets connect
(last test). "deactivated" connected while its account was active; the account was then
switched off behind the API's back, so only the per-event check can stop it. A refused event
is answered with an error acknowledgement and nobody in the room hears of it.
"""

import pytest

from chat.clients import error_code
from security.cast import ACTORS, SQLITE_ONLY

pytestmark = SQLITE_ONLY

CONNECTED = ACTORS[1:]  # outsider, member, creator, admin, deactivated
OK, GONE = "ok", "token_invalid"

# event: payload builder, then the outcome for each connected actor on the public room and
# on the private room ("ok", or the error code).
EVENTS = {
    "send_message": (
        lambda room, message: {"room": room, "message": "hello"},
        ("not_a_member", OK, OK, "not_a_member", GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
    "edit_message": (
        lambda room, message: {"id": message, "message": "changed"},
        ("forbidden", OK, "forbidden", OK, GONE),
        ("message_not_found", OK, "forbidden", "message_not_found", GONE),
    ),
    "delete_message": (
        lambda room, message: {"id": message},
        ("forbidden", OK, "forbidden", OK, GONE),
        ("message_not_found", OK, "forbidden", "message_not_found", GONE),
    ),
    "resume": (
        lambda room, message: {"last_ids": {str(room): 0}},
        (OK, OK, OK, OK, GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
    "join_room": (
        lambda room, message: {"room": room},
        (OK, OK, OK, OK, GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
    "leave_room": (
        lambda room, message: {"room": room},
        (OK, OK, OK, OK, GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
    "typing": (
        lambda room, message: {"room": room},
        ("not_a_member", OK, OK, "not_a_member", GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
    "who_is_online": (
        lambda room, message: {"room": room},
        (OK, OK, OK, OK, GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
    "mark_read": (
        lambda room, message: {"room": room, "id": message},
        (OK, OK, OK, OK, GONE),
        ("room_not_found", OK, OK, "room_not_found", GONE),
    ),
}
# What the room's other members would hear if the event went through.
HEARD = ("receive_message", "message_updated", "message_deleted", "typing", "membership")
CASES = [
    pytest.param(event, kind, actor, outcome, id=f"{event} {kind} as {actor}")
    for event, (_payload, *by_kind) in EVENTS.items()
    for kind, outcomes in zip(("public", "private"), by_kind, strict=True)
    for actor, outcome in zip(CONNECTED, outcomes, strict=True)
]


@pytest.fixture
def watcher(api, cast, client, connect):
    """A connection of a second member of both rooms, to hear what reaches the rooms."""
    account = api.login(api.create_user(username="watcher"))
    for room in (cast.public, cast.private):
        added = client.post(
            f"/rooms/{room}/members",
            json={"user_id": account.id},
            headers=cast.people["creator"].headers,
        )
        assert added.status_code == 204
    connection = connect(account)
    connection.forget()
    return connection


@pytest.mark.parametrize(("event", "kind", "actor", "outcome"), CASES)
def test_each_connection_gets_what_the_rules_allow(
    connect, cast, watcher, event, kind, actor, outcome
):
    payload = EVENTS[event][0](cast.room(kind), cast.message(kind))
    connection = connect(cast.people[actor])
    if actor == "deactivated":
        cast.deactivate()

    ack = connection.call(event, payload)

    if outcome == OK:
        assert ack["ok"] is True, ack
    else:
        assert error_code(ack) == outcome
        assert not [name for name in HEARD if watcher.received(name)]
    assert connection.connected


@pytest.mark.parametrize("auth", [None, {}, {"token": ""}, {"token": "not-a-token"}])
def test_nobody_connects_without_a_live_token(app, client, auth):
    from papo.server.extensions import socketio

    connection = socketio.test_client(app, auth=auth, flask_test_client=client)

    assert not connection.is_connected()
