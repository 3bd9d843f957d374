"""Presence: who is online, told to everyone connected; a user is online until the last closes."""

import pytest

from chat.clients import error_code, open_raw
from papo.server.realtime.presence import BURST, PresenceBatcher


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


# --- many at once: batches ------------------------------------------------------------------


def announced_online(watcher) -> set[int]:
    """Ids of the users `watcher` was told came online, one by one or in batches."""
    ones = [p for p in watcher.received("presence") if p["online"]]
    batched = [c for b in watcher.received("presence_batch") for c in b["changes"]]
    return {c["user"]["id"] for c in ones + [c for c in batched if c["online"]]}


def test_a_crowd_coming_online_at_once_is_announced_in_batches(live_server, live_api, live_client):
    watcher = live_client(live_api.member())
    crowd = [live_api.member() for _ in range(3 * BURST)]

    sockets = [open_raw(live_server.port, account.token, timeout=5)[0] for account in crowd]

    everyone = {account.id for account in crowd}
    watcher.wait_for(lambda: everyone <= announced_online(watcher))
    batches = watcher.received("presence_batch")
    assert batches
    assert len(watcher.received("presence")) + len(batches) < len(crowd)
    for ws in sockets:
        ws.close()


class Recorder:
    """A PresenceBatcher's outside world: what it emitted, and the task it asked to run."""

    def __init__(self):
        self.emitted, self.tasks = [], []

    def batcher(self, **options):
        return PresenceBatcher(
            lambda event, payload: self.emitted.append((event, payload)),
            self.tasks.append,
            lambda _seconds: None,
            **options,
        )


def someone(n):
    return {"id": n, "username": f"user{n}", "name": f"User {n}"}


def test_a_few_changes_go_out_at_once_one_by_one():
    world = Recorder()
    batcher = world.batcher(window=60, burst=3)

    for n in range(3):
        batcher.announce(someone(n), online=True)

    assert world.emitted == [("presence", {"user": someone(n), "online": True}) for n in range(3)]
    assert world.tasks == []


def test_changes_beyond_the_burst_wait_a_window_and_go_out_together_latest_state_first():
    world = Recorder()
    batcher = world.batcher(window=60, burst=2)
    for n in range(5):
        batcher.announce(someone(n), online=True)
    batcher.announce(someone(3), online=False)  # came and went within the window

    assert [event for event, _ in world.emitted] == ["presence", "presence"]
    assert len(world.tasks) == 1  # one flush scheduled, not one per change
    world.tasks[0]()
    event, payload = world.emitted[-1]
    assert event == "presence_batch"
    assert payload["changes"] == [
        {"user": someone(2), "online": True},
        {"user": someone(3), "online": False},
        {"user": someone(4), "online": True},
    ]


def test_a_single_gathered_change_goes_out_as_a_plain_presence_event():
    world = Recorder()
    batcher = world.batcher(window=60, burst=1)
    batcher.announce(someone(1), online=True)
    batcher.announce(someone(2), online=True)

    batcher.flush()

    assert world.emitted[-1] == ("presence", {"user": someone(2), "online": True})


def test_after_a_batch_the_storm_keeps_being_batched_until_it_calms():
    world = Recorder()
    batcher = world.batcher(window=60, burst=2)
    for n in range(4):
        batcher.announce(someone(n), online=True)
    world.tasks.pop()()

    batcher.announce(someone(9), online=True)

    assert world.emitted[-1][0] == "presence_batch"  # nothing new went out at once
    assert len(world.tasks) == 1
