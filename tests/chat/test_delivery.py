"""receive_message reaches the room's members and nobody else; ids grow, seqs count by one."""

import threading

import pytest

SENDERS, PER_SENDER = 3, 15


def send(connection, text, room=None):
    """Send `text` (to `room`, default general); return the stored message."""
    payload = {"message": text} if room is None else {"message": text, "room": room}
    ack = connection.call("send_message", payload)
    assert ack["ok"] is True, ack
    return ack["message"]


def test_a_message_reaches_every_connection_of_every_member(connect, api, member, bob):
    alice, alice_elsewhere, bobs = connect(member), connect(api.login(member)), connect(bob)

    message = send(alice, "hello all")

    for connection in (alice, alice_elsewhere, bobs):
        assert connection.received("receive_message") == [message]


def test_a_message_in_a_room_does_not_reach_the_members_of_other_rooms(
    connect, member, bob, new_room
):
    room = new_room(member)
    alice, bobs = connect(member), connect(bob)

    send(alice, "only for room-1", room["id"])

    assert bobs.received("receive_message") == []


def test_a_message_in_a_private_room_reaches_no_outsider(connect, member, bob, carol, new_room):
    secret = new_room(member, private=True)
    outsiders = [connect(bob), connect(carol)]

    send(connect(member), "psst", secret["id"])

    assert all(c.received("receive_message") == [] for c in outsiders)


def test_joining_a_room_starts_delivery_to_the_live_connections(
    connect, client, member, bob, new_room
):
    room = new_room(member)
    alice, bobs = connect(member), connect(bob)

    client.post(f"/rooms/{room['id']}/join", headers=bob.headers)
    message = send(alice, "welcome", room["id"])

    assert bobs.received("receive_message") == [message]


def test_joining_by_event_starts_delivery_to_every_connection_of_the_user(
    connect, api, member, bob, new_room
):
    room = new_room(member)
    alice, bobs, bobs_phone = connect(member), connect(bob), connect(api.login(bob))

    assert bobs.call("join_room", {"room": room["name"]}) == {"ok": True, "room": room["id"]}
    message = send(alice, "welcome", room["id"])

    assert bobs_phone.received("receive_message") == [message]


def test_a_room_created_while_connected_delivers_to_the_creator_at_once(
    connect, api, member, new_room
):
    alice, alice_elsewhere = connect(member), connect(api.login(member))
    room = new_room(member)

    message = send(alice, "first!", room["id"])

    assert alice_elsewhere.received("receive_message") == [message]


def test_leaving_a_room_stops_delivery_to_the_live_connections(
    connect, client, member, bob, new_room
):
    room = new_room(member)
    client.post(f"/rooms/{room['id']}/join", headers=bob.headers)
    alice, bobs = connect(member), connect(bob)

    assert bobs.call("leave_room", {"room": room["id"]}) == {"ok": True, "room": room["id"]}
    send(alice, "gone?", room["id"])

    assert bobs.received("receive_message") == []


def test_being_removed_from_a_room_stops_delivery(connect, client, member, bob, new_room):
    room = new_room(member, private=True)
    client.post(f"/rooms/{room['id']}/members", json={"user_id": bob.id}, headers=member.headers)
    alice, bobs = connect(member), connect(bob)

    client.delete(f"/rooms/{room['id']}/members/{bob.id}", headers=member.headers)
    send(alice, "bob is out", room["id"])

    assert bobs.received("receive_message") == []


# --- Direct messages ----------------------------------------------------------------------


def open_direct(client, account, other):
    response = client.post("/rooms/direct", json={"user_id": other.id}, headers=account.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_direct_room_is_private_and_shows_the_other_person(client, member, bob):
    room = open_direct(client, member, bob)

    assert room["kind"] == "direct"
    assert room["private"] is True
    assert room["member"] is True
    assert room["peer"] == {"id": bob.id, "username": "bob", "name": "Bob Stone"}


def test_opening_a_direct_room_again_returns_the_same_room(client, member, bob):
    first = open_direct(client, member, bob)

    assert open_direct(client, member, bob)["id"] == first["id"]


def test_the_same_pair_shares_one_direct_room_whoever_opens_it(client, member, bob):
    mine = open_direct(client, member, bob)

    theirs = open_direct(client, bob, member)

    assert theirs["id"] == mine["id"]
    assert theirs["peer"]["id"] == member.id


def test_a_direct_message_reaches_only_the_two_people(client, connect, member, bob, carol):
    room = open_direct(client, member, bob)
    alice, bobs, carols = connect(member), connect(bob), connect(carol)

    message = send(alice, "just us", room["id"])

    assert bobs.received("receive_message") == [message]
    assert carols.received("receive_message") == []


def test_a_direct_room_opened_while_the_other_is_connected_reaches_them_at_once(
    client, connect, member, bob
):
    bobs = connect(bob)
    room = open_direct(client, member, bob)

    message = send(connect(member), "hi bob", room["id"])

    assert bobs.received("membership") == [{"room": room["id"], "member": True}]
    assert bobs.received("receive_message") == [message]


def test_after_leaving_a_direct_room_opening_it_again_lets_you_write(client, connect, member, bob):
    room = open_direct(client, member, bob)
    client.post(f"/rooms/{room['id']}/leave", headers=member.headers)

    again = open_direct(client, member, bob)

    assert again["member"] is True
    assert connect(member).call("send_message", {"message": "back", "room": room["id"]})["ok"]


def test_a_direct_room_is_hidden_from_everyone_else(client, member, bob, carol):
    room = open_direct(client, member, bob)

    assert client.get(f"/rooms/{room['id']}", headers=carol.headers).status_code == 404
    listed = client.get("/rooms", headers=carol.headers).get_json()
    assert room["id"] not in [r["id"] for r in listed]


def test_a_direct_room_with_an_unknown_user_is_404(client, member):
    response = client.post("/rooms/direct", json={"user_id": 999_999}, headers=member.headers)

    assert response.status_code == 404


# --- Ids and seqs -------------------------------------------------------------------------


def test_message_ids_grow_across_rooms(connect, member, new_room):
    alice, other = connect(member), new_room(member)
    rooms = [None, other["id"]] * 5

    ids = [send(alice, f"m{n}", room)["id"] for n, room in enumerate(rooms)]

    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_seq_counts_each_rooms_messages_by_exactly_one(connect, member, new_room):
    alice, other = connect(member), new_room(member)

    sent = [send(alice, f"m{n}", room) for n, room in enumerate([None, other["id"]] * 4)]

    assert [m["seq"] for m in sent if m["room"] == other["id"]] == [1, 2, 3, 4]
    assert [m["seq"] for m in sent if m["room"] != other["id"]] == [1, 2, 3, 4]


def test_ids_are_never_reused_after_a_room_is_deleted(connect, client, member, new_room):
    alice, room = connect(member), new_room(member)
    last = send(alice, "soon gone", room["id"])
    client.delete(f"/rooms/{room['id']}", headers=member.headers)

    assert send(alice, "after")["id"] > last["id"]


# --- End to end: many senders at once, on both databases ---------------------------------


def send_many(client, tag, count, acks, failures):
    """Send `count` messages to general from one live client, recording the acks."""
    for n in range(count):
        ack = client.call("send_message", {"message": f"{tag}-{n}", "client_id": f"{tag}-{n}"})
        (acks if ack.get("ok") else failures).append(ack)


def test_concurrent_senders_each_deliver_every_message_once_with_contiguous_seqs(
    own_live_server, own_live_api, live_client
):
    people = [own_live_api.member() for _ in range(SENDERS)]
    clients = [live_client(person, server=own_live_server) for person in people]
    general = own_live_api.room_id(people[0], "general")
    acks, failures = [], []

    threads = [
        threading.Thread(target=send_many, args=(c, f"s{i}", PER_SENDER, acks, failures))
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    total = SENDERS * PER_SENDER
    assert failures == [] and len(acks) == total
    sent = {ack["message"]["id"] for ack in acks}
    for client in clients:
        got = client.wait_for_event("receive_message", total)
        assert sorted(m["id"] for m in got) == sorted(sent)  # each exactly once
    stored = own_live_api.everything_in(people[0], general)
    assert [m["id"] for m in stored] == sorted(sent)
    assert [m["seq"] for m in stored] == list(range(1, total + 1))


def test_a_real_ack_arrives_only_once_the_message_is_in_the_history(live_api, live_client):
    account = live_api.member()
    alice = live_client(account)
    general = live_api.room_id(account, "general")

    for n in range(5):
        ack = alice.call("send_message", {"message": f"committed {n}"})
        newest = live_api.history(account, general, limit=1)
        assert newest == [ack["message"]]


@pytest.mark.parametrize("room_kind", ["public", "private"])
def test_a_real_client_outside_a_room_receives_nothing_from_it(live_api, live_client, room_kind):
    owner, outsider = live_api.member(), live_api.member()
    body = {"name": f"{room_kind}-{owner.username}", "private": room_kind == "private"}
    room = live_api.request("POST", "/rooms", owner, json=body).json()
    inside, outside = live_client(owner), live_client(outsider)

    inside.call("send_message", {"message": "inside", "room": room["id"]})
    inside.call("typing", {"room": room["id"]})
    marker = inside.call("send_message", {"message": "marker"})  # general: both receive it
    outside.wait_for(lambda: marker["message"] in outside.received("receive_message"))

    assert outside.received("receive_message") == [marker["message"]]
    assert outside.received("typing") == []
