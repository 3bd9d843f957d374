"""edit_message / delete_message: authors change their own messages, admins any; rooms hear."""

import pytest

from chat.clients import error_code, history


@pytest.fixture
def posted(connect, member):
    """A message Alice posted in general."""
    ack = connect(member).call("send_message", {"message": "first draft"})
    return ack["message"]


@pytest.fixture
def actors(member, bob, admin):
    """Who tries to change Alice's message: its author, another member, an admin."""
    return {"author": member, "other": bob, "admin": admin}


CHANGES = {
    "edit": ("edit_message", lambda m: {"id": m["id"], "message": "changed"}),
    "delete": ("delete_message", lambda m: {"id": m["id"]}),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize(
    ("actor", "allowed"), [("author", True), ("admin", True), ("other", False)]
)
def test_who_may_change_a_message(connect, actors, posted, change, actor, allowed):
    event, payload = CHANGES[change]

    ack = connect(actors[actor]).call(event, payload(posted))

    if allowed:
        assert ack["ok"] is True
    else:
        assert error_code(ack) == "forbidden"


def test_an_edit_is_acknowledged_with_the_trimmed_text(connect, member, posted):
    ack = connect(member).call("edit_message", {"id": posted["id"], "message": "  better  "})

    message = ack["message"]
    assert message["message"] == "better"
    assert message["edited_at"] is not None
    assert {k: v for k, v in message.items() if k not in ("message", "edited_at")} == {
        k: v for k, v in posted.items() if k not in ("message", "edited_at")
    }


def test_an_edit_is_broadcast_to_the_room_as_message_updated(connect, member, bob, posted):
    bobs = connect(bob)

    ack = connect(member).call("edit_message", {"id": posted["id"], "message": "better"})

    assert bobs.received("message_updated") == [ack["message"]]


def test_an_edit_shows_in_the_history(connect, client, member, general, posted):
    connect(member).call("edit_message", {"id": posted["id"], "message": "better"})

    assert [m["message"] for m in history(client, member, general)] == ["better"]


def test_a_deletion_is_acknowledged_with_the_id_and_room(connect, member, general, posted):
    ack = connect(member).call("delete_message", {"id": posted["id"]})

    assert ack == {"ok": True, "id": posted["id"], "room": general}


def test_a_deletion_is_broadcast_to_the_room_as_message_deleted(connect, member, bob, posted):
    bobs = connect(bob)

    connect(member).call("delete_message", {"id": posted["id"]})

    expected = {"id": posted["id"], "room": posted["room"], "seq": posted["seq"]}
    assert bobs.received("message_deleted") == [expected]


def test_a_deleted_message_leaves_an_empty_tombstone_in_the_history(
    connect, client, member, general, posted
):
    connect(member).call("delete_message", {"id": posted["id"]})

    [tombstone] = history(client, member, general)
    assert tombstone["id"] == posted["id"]
    assert tombstone["seq"] == posted["seq"]
    assert tombstone["deleted"] is True
    assert tombstone["message"] == ""


@pytest.mark.parametrize("change", CHANGES)
def test_a_refused_change_is_not_broadcast_and_changes_nothing(
    connect, client, member, bob, general, posted, change
):
    event, payload = CHANGES[change]
    alices = connect(member)

    connect(bob).call(event, payload(posted))

    assert alices.received("message_updated") == alices.received("message_deleted") == []
    assert history(client, member, general) == [posted]


@pytest.mark.parametrize("change", CHANGES)
def test_a_deleted_message_can_no_longer_be_changed(connect, member, posted, change):
    alice = connect(member)
    alice.call("delete_message", {"id": posted["id"]})
    event, payload = CHANGES[change]

    assert error_code(alice.call(event, payload(posted))) == "message_not_found"


@pytest.mark.parametrize("change", CHANGES)
def test_changing_a_message_that_does_not_exist_is_message_not_found(connect, member, change):
    event, payload = CHANGES[change]

    ack = connect(member).call(event, payload({"id": 999_999}))

    assert error_code(ack) == "message_not_found"


@pytest.mark.parametrize("change", CHANGES)
def test_a_message_in_a_private_room_is_not_found_by_outsiders(
    connect, member, bob, new_room, change
):
    secret = new_room(bob, private=True)
    ack = connect(bob).call("send_message", {"message": "hidden", "room": secret["id"]})
    event, payload = CHANGES[change]

    assert error_code(connect(member).call(event, payload(ack["message"]))) == "message_not_found"


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("bad_id", [None, "1", True, 0, -1, 1.0, 2**31, 10**30, [1]], ids=repr)
def test_a_malformed_message_id_is_a_validation_error(connect, member, change, bad_id):
    event, payload = CHANGES[change]

    ack = connect(member).call(event, {**payload({"id": 1}), "id": bad_id})

    assert error_code(ack) == "validation_error"
    assert "id" in ack["error"]["fields"]


@pytest.mark.parametrize("text", [None, "", "   ", "x" * 4001, 5, "a\x00", "a\ud800"], ids=repr)
def test_an_edit_to_an_invalid_text_is_a_validation_error(connect, member, posted, text):
    ack = connect(member).call("edit_message", {"id": posted["id"], "message": text})

    assert error_code(ack) == "validation_error"
    assert "message" in ack["error"]["fields"]


# --- The same rules over REST -------------------------------------------------------------


@pytest.mark.parametrize(("actor", "status"), [("author", 200), ("admin", 200), ("other", 403)])
def test_who_may_edit_a_message_over_rest(client, actors, posted, actor, status):
    response = client.patch(
        f"/messages/{posted['id']}", json={"message": "via rest"}, headers=actors[actor].headers
    )

    assert response.status_code == status


@pytest.mark.parametrize(("actor", "status"), [("author", 204), ("admin", 204), ("other", 403)])
def test_who_may_delete_a_message_over_rest(client, actors, posted, actor, status):
    response = client.delete(f"/messages/{posted['id']}", headers=actors[actor].headers)

    assert response.status_code == status


def test_a_rest_edit_is_broadcast_to_the_room(connect, client, member, bob, posted):
    bobs = connect(bob)

    response = client.patch(
        f"/messages/{posted['id']}", json={"message": "via rest"}, headers=member.headers
    )

    assert bobs.received("message_updated") == [response.get_json()]
