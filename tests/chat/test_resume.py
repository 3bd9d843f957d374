"""resume: after a reconnect, exactly the messages missed, in order, across restarts and crashes."""

import threading

import pytest
import socketio

from chat.clients import LIVE_BURST, error_code

MISSED = 30


def resumed(connection, last_ids):
    """Call resume with `last_ids`; return {room id: (messages, more)}."""
    ack = connection.call("resume", {"last_ids": last_ids})
    assert ack["ok"] is True, ack
    return {int(room): (got["messages"], got["more"]) for room, got in ack["rooms"].items()}


# --- Handler logic ------------------------------------------------------------------------


def test_resume_returns_the_messages_after_the_last_id_oldest_first(connect, fill, member, general):
    stored = fill(member, general, 8)

    rooms = resumed(connect(member), {str(general): stored[2]})

    messages, more = rooms[general]
    assert [m["id"] for m in messages] == stored[3:]
    assert more is False


def test_resume_from_zero_returns_the_whole_room(connect, fill, member, general):
    stored = fill(member, general, 3)

    assert [m["id"] for m in resumed(connect(member), {str(general): 0})[general][0]] == stored


def test_resume_answers_each_room_asked_for(connect, fill, member, general, new_room):
    room = new_room(member)
    in_general, in_room = fill(member, general, 3), fill(member, room["id"], 3)

    rooms = resumed(connect(member), {str(general): in_general[0], str(room["id"]): in_room[1]})

    assert [m["id"] for m in rooms[general][0]] == in_general[1:]
    assert [m["id"] for m in rooms[room["id"]][0]] == in_room[2:]


def test_resume_when_nothing_was_missed_is_empty(connect, fill, member, general):
    stored = fill(member, general, 3)

    assert resumed(connect(member), {str(general): stored[-1]}) == {general: ([], False)}


@pytest.mark.parametrize("payload", [{}, {"last_ids": {}}], ids=["no-last-ids", "empty"])
def test_resume_with_no_rooms_answers_no_rooms(connect, member, payload):
    assert connect(member).call("resume", payload) == {"ok": True, "rooms": {}}


def test_resume_returns_up_to_500_messages_per_room(connect, fill, member, general):
    stored = fill(member, general, 500)

    messages, more = resumed(connect(member), {str(general): 0})[general]

    assert [m["id"] for m in messages] == stored
    assert more is False


def test_resume_says_there_is_more_beyond_500(connect, fill, member, general):
    stored = fill(member, general, 501)

    messages, more = resumed(connect(member), {str(general): 0})[general]

    assert [m["id"] for m in messages] == stored[:500]
    assert more is True


def test_resume_never_drops_messages_silently(connect, fill, member, general):
    stored = fill(member, general, 201)

    messages, more = resumed(connect(member), {str(general): 0})[general]

    assert more is True or [m["id"] for m in messages] == stored


def test_resume_shows_edits_and_deletions_as_they_are_now(connect, fill, member, general):
    first, second = fill(member, general, 2)
    alice = connect(member)
    alice.call("edit_message", {"id": first, "message": "edited"})
    alice.call("delete_message", {"id": second})

    messages, _more = resumed(alice, {str(general): 0})[general]

    assert [(m["message"], m["deleted"]) for m in messages] == [("edited", False), ("", True)]


def test_resume_of_a_private_room_you_are_not_in_is_room_not_found(connect, member, bob, new_room):
    secret = new_room(bob, private=True)

    ack = connect(member).call("resume", {"last_ids": {str(secret["id"]): 0}})

    assert error_code(ack) == "room_not_found"


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"last_ids": []},
        {"last_ids": "1:0"},
        {"last_ids": {"general": 0}},
        {"last_ids": {"-1": 0}},
        {"last_ids": {"0": 0}},
        {"last_ids": {str(2**31): 0}},
        {"last_ids": {"1": -1}},
        {"last_ids": {"1": True}},
        {"last_ids": {"1": "5"}},
        {"last_ids": {"1": 1.5}},
        {"last_ids": {"1": 2**31}},
        {"last_ids": {str(n): 0 for n in range(1, 1002)}},
    ],
    ids=repr,
)
def test_a_malformed_resume_is_a_validation_error(connect, member, payload):
    ack = connect(member).call("resume", payload)

    assert error_code(ack) == "validation_error"


@pytest.mark.parametrize("key", ["²", "9" * 5000], ids=["superscript-2", "5000-digits"])
def test_an_odd_digit_room_key_is_a_validation_error(connect, member, key):
    ack = connect(member).call("resume", {"last_ids": {key: 0}})

    assert error_code(ack) == "validation_error"


# --- End to end ---------------------------------------------------------------------------


def send_acked(client, count, tag):
    """Send `count` messages to general, each with a client_id; return the stored messages."""
    sent = []
    for n in range(count):
        ack = client.call("send_message", {"message": f"{tag} {n}", "client_id": f"{tag}-{n}"})
        assert ack["ok"] is True, ack
        sent.append(ack["message"])
    return sent


def assert_contiguous(messages, after_seq):
    """Ids strictly grow, and seqs run on from `after_seq` by exactly one."""
    ids = [m["id"] for m in messages]
    assert ids == sorted(set(ids))
    assert [m["seq"] for m in messages] == list(range(after_seq + 1, after_seq + 1 + len(ids)))


def catch_up(live_client, server, account, general, last):
    """Connect `account` anew and resume general from `last`; return what came back."""
    ack = live_client(account, server=server).call("resume", {"last_ids": {str(general): last}})
    assert ack["ok"] is True, ack
    return ack["rooms"][str(general)]["messages"]


def test_a_reconnecting_client_resumes_exactly_the_messages_it_missed(live_api, live_client):
    ana, ben = live_api.member(), live_api.member()
    general = live_api.room_id(ana, "general")
    away, talker = live_client(ana), live_client(ben)
    last_seen = send_acked(talker, 1, "before")[0]
    away.wait_for(lambda: last_seen in away.received("receive_message"))
    away.close()

    missed = send_acked(talker, MISSED, "missed")

    got = catch_up(live_client, None, ana, general, last_seen["id"])
    assert got == missed
    assert_contiguous(got, last_seen["seq"])


def test_resume_works_across_a_server_restart(own_live_server, own_live_api, live_client):
    ana, ben = own_live_api.member(), own_live_api.member()
    general = own_live_api.room_id(ana, "general")
    away = live_client(ana, server=own_live_server)
    talker = live_client(ben, server=own_live_server, reconnection=True)
    last_seen = send_acked(talker, 1, "before")[0]
    away.wait_for(lambda: last_seen in away.received("receive_message"))
    away.close()
    before_restart = send_acked(talker, MISSED // 2, "before-restart")

    own_live_server.restart()
    talker.wait_for(lambda: talker.connects == 2 and talker.connected)
    after_restart = send_acked(talker, MISSED // 2, "after-restart")

    got = catch_up(live_client, own_live_server, ana, general, last_seen["id"])
    assert got == before_restart + after_restart
    assert_contiguous(got, last_seen["seq"])


class Sender(threading.Thread):
    """Sends messages with client_ids until one is not acknowledged (the server died)."""

    def __init__(self, client, count):
        super().__init__(daemon=True)
        self.client, self.count = client, count
        self.acked: list[dict] = []
        self.enough = threading.Event()

    def run(self):
        for n in range(self.count):
            try:
                ack = self.client.call("send_message", {"message": f"m{n}", "client_id": f"m{n}"})
            except socketio.exceptions.SocketIOError:  # the server died: stop, as a client would
                return
            if not ack.get("ok"):
                return
            self.acked.append(ack["message"])
            if len(self.acked) >= 10:
                self.enough.set()


def crash_while_sending(server, sender):
    """Let `sender` get at least 10 acknowledgements, SIGKILL the server mid-stream, restart."""
    sender.start()
    assert sender.enough.wait(timeout=20), "the server acknowledged fewer than 10 messages"
    server.kill()
    sender.join(timeout=20)
    assert not sender.is_alive()
    server.start()


def test_every_acknowledged_message_survives_a_crash_exactly_once(
    own_live_server, own_live_api, live_client
):
    ana, ben = own_live_api.member(), own_live_api.member()
    general = own_live_api.room_id(ana, "general")
    count = LIVE_BURST - 5
    sender = Sender(live_client(ben, server=own_live_server), count)

    crash_while_sending(own_live_server, sender)
    kept = own_live_api.everything_in(ana, general)
    retry = live_client(ben, server=own_live_server)
    for n in range(len(sender.acked), count):  # the client's outbox, sent again
        assert retry.call("send_message", {"message": f"m{n}", "client_id": f"m{n}"})["ok"]

    assert kept[: len(sender.acked)] == sender.acked
    assert len(kept) - len(sender.acked) in (0, 1)  # at most the one in flight at the crash
    stored = own_live_api.everything_in(ana, general)
    assert [m["client_id"] for m in stored] == [f"m{n}" for n in range(count)]
    assert_contiguous(stored, 0)
    assert catch_up(live_client, own_live_server, ana, general, 0) == stored
