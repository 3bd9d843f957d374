"""The state's merging rules, without a server: order, dedupe, gaps, unread, outbox, typing."""

from __future__ import annotations

import itertools

import pytest

from papo.client.state import RECONNECTING, State

ME = {"id": 1, "username": "ana", "name": "Ana"}
RUI = {"id": 2, "username": "rui", "name": "Rui"}
_ids = itertools.count(100)


def message(room: int = 1, seq: int = 1, author: dict = RUI, **extra) -> dict:
    """A message as the server sends it."""
    return {
        "id": extra.pop("id", next(_ids)),
        "room": room,
        "room_name": "general",
        "seq": seq,
        "author": author,
        "message": extra.pop("message", f"message {seq}"),
        "created_at": "2026-11-24T14:02:11.120345+00:00",
        "edited_at": None,
        "deleted": False,
        "client_id": extra.pop("client_id", None),
    }


@pytest.fixture
def state() -> State:
    fresh = State(me=ME)
    fresh.set_rooms([{"id": 1, "name": "general", "kind": "channel", "last_message_id": 0}])
    return fresh


def test_messages_are_ordered_by_id_and_deduplicated(state):
    later, earlier = message(seq=2, id=11), message(seq=1, id=10)
    state.add_messages([later, earlier, later])
    assert [m.id for m in state.log(1).ordered()] == [10, 11]


def test_a_jump_in_seq_is_a_gap_after_the_last_whole_message(state):
    state.add_messages([message(seq=1, id=10), message(seq=2, id=11), message(seq=4, id=15)])
    assert state.log(1).gap_after() == 11


def test_contiguous_seqs_have_no_gap(state):
    state.add_messages([message(seq=1, id=10), message(seq=2, id=14)])
    assert state.log(1).gap_after() is None


def test_the_stored_copy_replaces_the_pending_one_by_client_id(state):
    outgoing = state.queue_outgoing(1, "hello")
    assert state.log(1).ordered()[-1].pending
    state.add_messages([message(author=ME, message="hello", client_id=outgoing.client_id)])
    held = state.log(1).ordered()
    assert [(m.text, m.pending) for m in held] == [("hello", False)]
    assert state.outbox == []


def test_others_messages_count_as_unread_and_mine_do_not(state):
    state.add_messages([message(seq=1), message(seq=2, author=ME), message(seq=3)])
    assert state.rooms[1].unread == 2


def test_a_room_list_older_than_the_live_messages_does_not_undo_them(state):
    state.add_messages([message(seq=1, id=40), message(seq=2, id=41)])
    state.set_rooms([{"id": 1, "name": "general", "kind": "channel", "last_message_id": 0}])
    assert (state.rooms[1].unread, state.rooms[1].last_message_id) == (2, 41)


def test_a_newer_room_list_is_taken_as_it_is(state):
    state.add_messages([message(seq=1, id=40)])
    newer = {"id": 1, "name": "general", "kind": "channel", "last_message_id": 45, "unread": 3}
    state.set_rooms([newer])
    assert state.rooms[1].unread == 3


def test_reading_a_room_clears_its_count_and_names_the_newest_id(state):
    state.add_messages([message(seq=1, id=20), message(seq=2, id=21)])
    assert state.read_up_to(1) == 21
    assert state.rooms[1].unread == 0
    assert state.read_up_to(1) is None  # nothing new to report


def test_last_ids_follow_the_newest_message_held(state):
    state.add_messages([message(seq=1, id=30), message(seq=2, id=31)])
    assert state.last_ids() == {1: 31}


def test_an_empty_room_is_still_asked_about_on_resume(state):
    assert state.last_ids() == {1: 0}


def test_a_refused_message_leaves_the_outbox_and_says_why(state):
    outgoing = state.queue_outgoing(1, "x" * 10)
    state.outgoing_failed(outgoing.client_id, "The message is too long.")
    assert state.outbox == []
    assert state.log(1).ordered()[-1].failed == "The message is too long."


def test_typing_names_show_then_expire(state):
    state.someone_typing(1, RUI, now=100.0)
    state.someone_typing(1, {"id": 3, "username": "eva", "name": "Eva"}, now=101.0)
    assert state.typing_line(1) == "Eva and Rui are typing…"
    state.expire_typing(now=104.5)
    assert state.typing_line(1) == "Eva is typing…"


def test_my_own_typing_is_not_shown(state):
    state.someone_typing(1, ME, now=0.0)
    assert state.typing_line(1) == ""


def test_a_message_from_a_typist_ends_their_notice(state):
    state.someone_typing(1, RUI, now=0.0)
    state.add_messages([message(author=RUI)])
    assert state.typing_line(1) == ""


def test_a_members_list_takes_the_presence_it_reports(state):
    since = state.presence_clock
    state.set_members(1, [dict(RUI, online=True), dict(ME, online=False)], since=since)
    assert state.online == {RUI["id"]}


def test_a_members_list_taken_before_a_presence_event_does_not_undo_it(state):
    since = state.presence_clock  # the request goes out
    state.set_presence(RUI, online=True)
    state.set_presence(RUI, online=False)  # Rui leaves while the answer is on its way
    state.set_members(1, [dict(RUI, online=True)], since=since)  # taken before he left
    assert RUI["id"] not in state.online


def test_presence_events_before_the_request_give_way_to_its_answer(state):
    state.set_presence(RUI, online=True)
    since = state.presence_clock
    state.set_members(1, [dict(RUI, online=False)], since=since)
    assert RUI["id"] not in state.online


def test_the_link_says_how_many_times_it_tried(state):
    state.set_link(RECONNECTING, attempts=3)
    assert state.link.describe() == "Reconnecting (attempt 3)…"
    assert ("link",) in state.take_changes()
