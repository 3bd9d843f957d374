"""Chat events cross processes: whichever process a client is connected to, it gets what its
rooms receive, and nothing else.
"""

import pytest

from scale.backends import SHARED_SQLITE


@pytest.mark.parametrize(("sender", "receiver"), [(0, 1), (1, 0)], ids=["1to2", "2to1"])
def test_a_message_sent_on_one_process_reaches_a_member_on_the_other(
    cluster, connect, sender, receiver
):
    ana, ben = cluster.member(), cluster.member()
    writer, reader = connect(ana, cluster[sender]), connect(ben, cluster[receiver])

    sent = writer.send("general", "olá from another process")

    assert reader.wait_for_message(sent["id"]) == sent


def test_a_private_room_reaches_its_member_on_the_other_process_and_nobody_else(
    cluster, connect, new_room
):
    ana, ben, cai = cluster.member(), cluster.member(), cluster.member()
    room = new_room(ana, private=True, members=(ben,))
    writer = connect(ana, cluster[0])
    member, outsider = connect(ben, cluster[1]), connect(cai, cluster[1])

    secret = writer.send(room, "only for the room")
    later = writer.send("general", "for everyone")

    assert member.wait_for_message(secret["id"]) == secret
    # `later` left the same process after `secret`, so it arrives after `secret` would have.
    outsider.wait_for_message(later["id"])
    assert outsider.messages(room) == []


def test_a_member_added_through_rest_on_one_process_gets_the_room_on_the_other(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana, private=True)
    writer, newcomer = connect(ana, cluster[0]), connect(ben, cluster[1])

    added = cluster.rest(0).request("POST", f"/rooms/{room}/members", ana, json={"user_id": ben.id})

    assert added.status_code == 204, added.text
    newcomer.wait_for(lambda: newcomer.membership(room) == [True])
    welcome = writer.send(room, "welcome")
    assert newcomer.wait_for_message(welcome["id"]) == welcome


def test_a_member_removed_on_one_process_stops_getting_the_room_on_the_other(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana, private=True, members=(ben,))
    writer, leaver = connect(ana, cluster[0]), connect(ben, cluster[1])

    removed = cluster.rest(0).request("DELETE", f"/rooms/{room}/members/{ben.id}", ana)

    assert removed.status_code == 204, removed.text
    leaver.wait_for(lambda: leaver.membership(room) == [False])
    writer.send(room, "after you left")
    later = writer.send("general", "for everyone")
    leaver.wait_for_message(later["id"])
    assert leaver.messages(room) == []


def test_joining_a_room_on_one_process_subscribes_the_users_connection_on_the_other(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana)
    writer = connect(ana, cluster[0])
    here, elsewhere = connect(ben, cluster[0]), connect(ben, cluster[1])

    assert here.call("join_room", {"room": room}) == {"ok": True, "room": room}

    elsewhere.wait_for(lambda: elsewhere.membership(room) == [True])
    hello = writer.send(room, "hello, both of your windows")
    assert elsewhere.wait_for_message(hello["id"]) == hello


def test_typing_reaches_the_room_on_the_other_process_but_not_the_typist(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana, members=(ben,))
    typist, reader = connect(ana, cluster[0]), connect(ben, cluster[1])

    assert typist.call("typing", {"room": room}) == {"ok": True}

    notice = reader.wait_for_event("typing")[0]
    assert notice == {"room": room, "user": notice["user"]} and notice["user"]["id"] == ana.id
    later = typist.send("general", "done typing")
    typist.wait_for_message(later["id"])
    assert typist.received("typing") == []


@SHARED_SQLITE
def test_a_rename_on_one_process_shows_in_what_the_users_connection_on_the_other_sends(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana, members=(ben,))
    typist, reader = connect(ana, cluster[1]), connect(ben, cluster[1])

    renamed = cluster.rest(0).request("PATCH", f"/users/{ana.id}", ana, json={"name": "Ana Nova"})

    assert renamed.status_code == 200, renamed.text
    assert typist.call("typing", {"room": room}) == {"ok": True}
    assert reader.wait_for_event("typing")[0]["user"]["name"] == "Ana Nova"
