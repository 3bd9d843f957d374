"""typing: the room's other members hear it, the typist does not; one a second, bursts of 3."""

import pytest

from chat.clients import error_code


def test_typing_is_acknowledged(connect, member):
    assert connect(member).call("typing", {"room": "general"}) == {"ok": True}


def test_the_rooms_other_members_hear_who_is_typing(connect, member, bob, general):
    alice, bobs = connect(member), connect(bob)

    alice.call("typing", {"room": general})

    user = {"id": member.id, "username": "alice", "name": "Alice Martin"}
    assert bobs.received("typing") == [{"room": general, "user": user}]


def test_the_typist_does_not_hear_their_own_typing(connect, member, bob):
    alice, _bobs = connect(member), connect(bob)

    alice.call("typing", {"room": "general"})

    assert alice.received("typing") == []


def test_typing_in_a_room_is_not_heard_in_other_rooms(connect, member, bob, new_room):
    room = new_room(member)
    alice, bobs = connect(member), connect(bob)

    alice.call("typing", {"room": room["id"]})

    assert bobs.received("typing") == []


def test_typing_in_a_private_room_reaches_no_outsider(connect, member, bob, new_room):
    secret = new_room(member, private=True)
    alice, bobs = connect(member), connect(bob)

    alice.call("typing", {"room": secret["id"]})

    assert bobs.received("typing") == []


def test_typing_in_a_private_room_you_are_not_in_is_room_not_found(connect, member, bob, new_room):
    secret = new_room(bob, private=True)
    alice, bobs = connect(member), connect(bob)

    assert error_code(alice.call("typing", {"room": secret["id"]})) == "room_not_found"
    assert bobs.received("typing") == []


def test_typing_in_a_public_room_you_have_not_joined_is_not_a_member(
    connect, member, bob, new_room
):
    room = new_room(bob)

    assert error_code(connect(member).call("typing", {"room": room["id"]})) == "not_a_member"


@pytest.mark.parametrize(
    "payload", [None, {}, {"room": None}, {"room": 2**31}, "general"], ids=repr
)
def test_a_malformed_typing_is_a_validation_error(connect, member, payload):
    assert error_code(connect(member).call("typing", payload)) == "validation_error"


def test_typing_faster_than_allowed_is_rate_limited(connect, member):
    alice = connect(member)

    acks = [alice.call("typing", {"room": "general"}) for _ in range(4)]

    assert [ack["ok"] for ack in acks[:3]] == [True, True, True]
    assert error_code(acks[3]) == "rate_limited"
    assert alice.connected


def test_rate_limited_typing_is_not_broadcast(connect, member, bob):
    alice, bobs = connect(member), connect(bob)

    acks = [alice.call("typing", {"room": "general"}) for _ in range(5)]

    assert len(bobs.received("typing")) == sum(ack["ok"] for ack in acks) < len(acks)
