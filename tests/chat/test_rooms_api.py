"""The rooms REST API: channels, who sees and manages them, members, and unread counts."""

import pytest

from chat.clients import error_code
from support.errors import error_of


@pytest.fixture
def managers(member, admin, bob):
    """Who acts on Alice's room: its creator, an admin, or another member."""
    return {"creator": member, "admin": admin, "other": bob}


@pytest.fixture
def room(new_room, member):
    """A public channel Alice created."""
    return new_room(member, topic="all things room")


def listed_ids(client, account):
    return [r["id"] for r in client.get("/rooms", headers=account.headers).get_json()]


def room_of(client, account, room_id):
    return client.get(f"/rooms/{room_id}", headers=account.headers).get_json()


# --- Creating and listing -------------------------------------------------------------------


def test_creating_a_room_makes_its_creator_the_first_member(client, member):
    response = client.post("/rooms", json={"name": "  Projects "}, headers=member.headers)

    assert response.status_code == 201
    created = response.get_json()
    assert created["name"] == "projects"
    assert created["created_by"] == member.id
    assert created["member"] is True
    assert created["kind"] == "channel"
    assert created["private"] is False


@pytest.mark.parametrize("name", ["room-1", "ROOM-1", "general", "GENERAL"])
def test_a_room_name_already_taken_is_409(client, member, room, name):
    response = client.post("/rooms", json={"name": name}, headers=member.headers)

    error_of(response, 409, "room_name_taken")


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "a b"}, {"name": "-x"}, {"name": "x" * 65}, {"name": "x", "y": 1}],
    ids=repr,
)
def test_an_invalid_room_is_422(client, member, body):
    error_of(client.post("/rooms", json=body, headers=member.headers), 422, "validation_error")


def test_everyone_sees_public_rooms(client, bob, room):
    assert room["id"] in listed_ids(client, bob)


def test_private_rooms_are_listed_only_to_their_members(client, member, bob, new_room):
    secret = new_room(member, private=True)

    assert secret["id"] in listed_ids(client, member)
    assert secret["id"] not in listed_ids(client, bob)


def test_the_list_marks_the_rooms_you_belong_to(client, bob, room):
    listed = {r["id"]: r["member"] for r in client.get("/rooms", headers=bob.headers).get_json()}

    assert listed[room["id"]] is False


def test_a_public_room_can_be_read_by_a_non_member(client, bob, room):
    response = client.get(f"/rooms/{room['id']}", headers=bob.headers)

    assert response.status_code == 200
    assert response.get_json()["member"] is False


@pytest.mark.parametrize("path", ["", "/messages", "/members"])
def test_a_private_room_is_404_to_non_members(client, member, bob, new_room, path):
    secret = new_room(member, private=True)

    error_of(client.get(f"/rooms/{secret['id']}{path}", headers=bob.headers), 404, "room_not_found")


@pytest.mark.parametrize("room_id", [999_999, 2**31 - 1])
def test_an_unknown_room_is_404(client, member, room_id):
    error_of(client.get(f"/rooms/{room_id}", headers=member.headers), 404, "room_not_found")


# --- Changing and deleting: the creator or an admin -------------------------------------


@pytest.mark.parametrize(("actor", "status"), [("creator", 200), ("admin", 200), ("other", 403)])
def test_who_may_change_a_room(client, managers, room, actor, status):
    response = client.patch(
        f"/rooms/{room['id']}", json={"topic": "new topic"}, headers=managers[actor].headers
    )

    assert response.status_code == status


@pytest.mark.parametrize(("actor", "status"), [("creator", 204), ("admin", 204), ("other", 403)])
def test_who_may_delete_a_room(client, managers, room, actor, status):
    response = client.delete(f"/rooms/{room['id']}", headers=managers[actor].headers)

    assert response.status_code == status


def test_a_refused_change_is_403_forbidden_and_changes_nothing(client, bob, room):
    response = client.patch(f"/rooms/{room['id']}", json={"name": "mine"}, headers=bob.headers)

    error_of(response, 403, "forbidden")
    assert room_of(client, bob, room["id"])["name"] == room["name"]


def test_a_room_can_be_renamed_and_made_private(client, member, room):
    change = {"name": "renamed", "topic": "new", "private": True}

    response = client.patch(f"/rooms/{room['id']}", json=change, headers=member.headers)

    assert {k: response.get_json()[k] for k in change} == change


def test_renaming_a_room_to_a_taken_name_is_409(client, member, room, new_room):
    other = new_room(member)

    response = client.patch(
        f"/rooms/{other['id']}", json={"name": room["name"]}, headers=member.headers
    )

    error_of(response, 409, "room_name_taken")


def test_a_change_is_broadcast_to_the_members_as_room_updated(connect, client, member, bob, room):
    alice, bobs = connect(member), connect(bob)

    client.patch(f"/rooms/{room['id']}", json={"name": "renamed"}, headers=member.headers)

    update = {"room": room["id"], "name": "renamed", "topic": room["topic"], "private": False}
    assert alice.received("room_updated") == [update]
    assert bobs.received("room_updated") == []


def test_deleting_a_room_tells_its_members_and_removes_it(connect, client, member, room):
    alice = connect(member)

    client.delete(f"/rooms/{room['id']}", headers=member.headers)

    assert alice.received("room_deleted") == [{"room": room["id"]}]
    error_of(client.get(f"/rooms/{room['id']}", headers=member.headers), 404, "room_not_found")


def test_deleting_a_room_deletes_its_messages(connect, client, member, room):
    alice = connect(member)
    sent = alice.call("send_message", {"message": "bye", "room": room["id"]})["message"]

    client.delete(f"/rooms/{room['id']}", headers=member.headers)

    ack = alice.call("edit_message", {"id": sent["id"], "message": "x"})
    assert error_code(ack) == "message_not_found"


# --- general is everyone's ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change", [{"name": "lobby"}, {"private": True}], ids=["rename", "private"]
)
def test_general_keeps_its_name_and_stays_public(client, admin, general, change):
    response = client.patch(f"/rooms/{general}", json=change, headers=admin.headers)

    error_of(response, 409, "general_is_fixed")


def test_general_cannot_be_deleted(client, admin, general):
    error_of(client.delete(f"/rooms/{general}", headers=admin.headers), 409, "general_is_fixed")


def test_an_admin_may_change_the_topic_of_general(client, admin, general):
    response = client.patch(f"/rooms/{general}", json={"topic": "hello"}, headers=admin.headers)

    assert response.status_code == 200
    assert response.get_json()["topic"] == "hello"


def test_a_member_may_not_change_general(client, member, general):
    response = client.patch(f"/rooms/{general}", json={"topic": "mine"}, headers=member.headers)

    error_of(response, 403, "forbidden")


def test_general_cannot_be_left(client, member, general):
    error_of(
        client.post(f"/rooms/{general}/leave", headers=member.headers), 409, "general_is_fixed"
    )


def test_general_cannot_be_left_by_event(connect, member):
    assert error_code(connect(member).call("leave_room", {"room": "general"})) == "general_is_fixed"


def test_every_new_user_is_a_member_of_general(client, api, general):
    newcomer = api.member()

    assert room_of(client, newcomer, general)["member"] is True


# --- Joining and leaving ------------------------------------------------------------------


def test_joining_a_public_room_makes_you_a_member(client, bob, room):
    response = client.post(f"/rooms/{room['id']}/join", headers=bob.headers)

    assert response.status_code == 200
    assert response.get_json()["member"] is True


def test_joining_a_room_twice_is_harmless(client, bob, room):
    for _ in range(2):
        assert client.post(f"/rooms/{room['id']}/join", headers=bob.headers).status_code == 200


def test_joining_a_private_room_is_404_as_if_it_did_not_exist(client, member, bob, new_room):
    secret = new_room(member, private=True)

    response = client.post(f"/rooms/{secret['id']}/join", headers=bob.headers)

    error_of(response, 404, "room_not_found")


def test_joining_a_private_room_does_not_let_you_in(client, member, bob, new_room):
    secret = new_room(member, private=True)

    assert client.post(f"/rooms/{secret['id']}/join", headers=bob.headers).status_code in (403, 404)
    assert secret["id"] not in listed_ids(client, bob)


def test_leaving_a_room_ends_the_membership(client, member, room):
    assert client.post(f"/rooms/{room['id']}/leave", headers=member.headers).status_code == 204
    assert room_of(client, member, room["id"])["member"] is False


# --- Members: added and removed by the creator or an admin --------------------------------


@pytest.mark.parametrize(("actor", "status"), [("creator", 204), ("admin", 204), ("other", 403)])
def test_who_may_add_a_member(client, managers, carol, room, actor, status):
    response = client.post(
        f"/rooms/{room['id']}/members", json={"user_id": carol.id}, headers=managers[actor].headers
    )

    assert response.status_code == status


@pytest.mark.parametrize(("actor", "status"), [("creator", 204), ("admin", 204), ("other", 403)])
def test_who_may_remove_a_member(client, managers, member, carol, room, actor, status):
    add = {"user_id": carol.id}
    client.post(f"/rooms/{room['id']}/members", json=add, headers=member.headers)

    response = client.delete(
        f"/rooms/{room['id']}/members/{carol.id}", headers=managers[actor].headers
    )

    assert response.status_code == status


def test_anyone_may_remove_themself(client, bob, room):
    client.post(f"/rooms/{room['id']}/join", headers=bob.headers)

    assert (
        client.delete(f"/rooms/{room['id']}/members/{bob.id}", headers=bob.headers).status_code
        == 204
    )
    assert room_of(client, bob, room["id"])["member"] is False


def test_an_added_member_sees_the_private_room(client, member, bob, new_room):
    secret = new_room(member, private=True)

    client.post(f"/rooms/{secret['id']}/members", json={"user_id": bob.id}, headers=member.headers)

    assert room_of(client, bob, secret["id"])["member"] is True


def test_adding_an_unknown_user_is_404(client, member, room):
    response = client.post(
        f"/rooms/{room['id']}/members", json={"user_id": 999_999}, headers=member.headers
    )

    error_of(response, 404, "user_not_found")


def test_a_direct_room_keeps_its_two_people(client, admin, bob, carol):
    dm = client.post("/rooms/direct", json={"user_id": bob.id}, headers=admin.headers).get_json()

    response = client.post(
        f"/rooms/{dm['id']}/members", json={"user_id": carol.id}, headers=admin.headers
    )

    error_of(response, 409, "direct_is_fixed")
    assert client.get(f"/rooms/{dm['id']}", headers=carol.headers).status_code == 404


def test_being_added_tells_the_user_by_a_membership_event(connect, client, member, bob, room):
    bobs = connect(bob)

    client.post(f"/rooms/{room['id']}/members", json={"user_id": bob.id}, headers=member.headers)

    assert bobs.received("membership") == [{"room": room["id"], "member": True}]


def test_being_removed_tells_the_user_by_a_membership_event(connect, client, member, bob, room):
    client.post(f"/rooms/{room['id']}/members", json={"user_id": bob.id}, headers=member.headers)
    bobs = connect(bob)

    client.delete(f"/rooms/{room['id']}/members/{bob.id}", headers=member.headers)

    assert bobs.received("membership") == [{"room": room["id"], "member": False}]


def test_a_membership_event_reaches_only_the_user_concerned(
    connect, client, member, bob, carol, room
):
    alice, carols = connect(member), connect(carol)

    client.post(f"/rooms/{room['id']}/members", json={"user_id": bob.id}, headers=member.headers)

    assert alice.received("membership") == carols.received("membership") == []


def test_joining_by_event_tells_every_connection_of_the_user(connect, api, bob, room):
    bobs, bobs_phone = connect(bob), connect(api.login(bob))

    bobs.call("join_room", {"room": room["id"]})

    assert bobs_phone.received("membership") == [{"room": room["id"], "member": True}]


# --- Unread counts ------------------------------------------------------------------------


def unread(client, account, room_id):
    return room_of(client, account, room_id)["unread"]


def test_a_new_member_starts_with_nothing_unread(connect, client, api, member, general):
    alice = connect(member)
    for n in range(3):
        alice.call("send_message", {"message": f"m{n}"})

    assert unread(client, api.member(), general) == 0


def test_messages_from_others_are_unread(connect, client, member, bob, general):
    bobs = connect(bob)
    for n in range(3):
        bobs.call("send_message", {"message": f"m{n}"})

    assert unread(client, member, general) == 3


def test_mark_read_counts_only_what_came_after(connect, client, member, bob, general):
    bobs = connect(bob)
    sent = [bobs.call("send_message", {"message": f"m{n}"})["message"] for n in range(3)]

    ack = connect(member).call("mark_read", {"room": general, "id": sent[0]["id"]})

    assert ack == {"ok": True}
    assert unread(client, member, general) == 2
    assert room_of(client, member, general)["last_read_id"] == sent[0]["id"]


def test_mark_read_never_moves_back(connect, client, member, bob, general):
    bobs, alice = connect(bob), connect(member)
    sent = [bobs.call("send_message", {"message": f"m{n}"})["message"] for n in range(3)]
    alice.call("mark_read", {"room": "general", "id": sent[2]["id"]})

    alice.call("mark_read", {"room": "general", "id": sent[0]["id"]})

    assert unread(client, member, general) == 0


def test_mark_read_beyond_the_newest_message_stops_at_it(connect, client, member, bob, general):
    bobs, alice = connect(bob), connect(member)
    sent = bobs.call("send_message", {"message": "only"})["message"]

    alice.call("mark_read", {"room": general, "id": 999_999})
    later = bobs.call("send_message", {"message": "later"})["message"]

    assert room_of(client, member, general)["last_read_id"] == sent["id"]
    assert unread(client, member, general) == 1 and later["id"] > sent["id"]


def test_deleted_messages_are_not_unread(connect, client, member, bob, general):
    bobs = connect(bob)
    sent = bobs.call("send_message", {"message": "oops"})["message"]

    bobs.call("delete_message", {"id": sent["id"]})

    assert unread(client, member, general) == 0


@pytest.mark.parametrize(
    "payload", [None, {"room": "general"}, {"id": 1}, {"room": "general", "id": 0}], ids=repr
)
def test_a_malformed_mark_read_is_a_validation_error(connect, member, payload):
    assert error_code(connect(member).call("mark_read", payload)) == "validation_error"
