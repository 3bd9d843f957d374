"""Two client cores talking through a real server: live messages, history, resume, outbox."""

from __future__ import annotations

import time

from chat.clients import open_raw
from client.helpers import register, unique_name, wait_for
from papo.client.state import CONNECTED, RECONNECTING
from papo.server.realtime.presence import BURST


def general(core) -> int:
    """The id of the room `general`."""
    return next(r.id for r in core.state.rooms.values() if r.name == "general")


def texts(core, room_id: int) -> list[str]:
    """The texts of the stored messages a core holds for a room, oldest first."""
    return [m.text for m in core.state.log(room_id).ordered() if not m.pending]


def ids(core, room_id: int) -> list[int]:
    """The ids of the stored messages a core holds for a room, oldest first."""
    return [m.id for m in core.state.log(room_id).ordered() if not m.pending]


def test_a_signed_in_core_opens_general_and_is_connected(server, make_core):
    core = make_core(server.url)
    assert core.state.link.status == CONNECTED
    assert core.state.rooms[core.state.current_room].name == "general"


def test_a_message_sent_by_one_core_appears_in_the_other(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    text = f"hello from {ana.state.me['username']}"
    ana.send(general(ana), text)
    wait_for([ana, rui], lambda: text in texts(rui, general(rui)), "the message at rui")
    wait_for(ana, lambda: not ana.state.outbox, "ana's outbox to empty")
    assert texts(ana, general(ana)).count(text) == 1


def test_a_pending_message_shows_at_once_and_is_replaced_by_the_stored_one(server, make_core):
    ana = make_core(server.url)
    ana.send(general(ana), "pending first")
    held = ana.state.log(general(ana)).ordered()
    assert held[-1].pending and held[-1].text == "pending first"
    wait_for(ana, lambda: not any(m.pending for m in ana.state.log(general(ana)).ordered()))
    assert texts(ana, general(ana)).count("pending first") == 1


def test_scrolling_back_loads_older_history_a_page_at_a_time(own_server, make_core):
    server = own_server(PAPO_MESSAGE_BURST="60")  # 60 posts at once: REST is rate-limited too
    api, _user = register(server.url)
    room = api.create_room(unique_name("hist"))
    for n in range(60):
        api.request("POST", f"/rooms/{room['id']}/messages", json={"message": f"m{n}"})
    core = make_core(server.url, _user["username"])
    core.refresh_rooms()
    wait_for(core, lambda: room["id"] in core.state.rooms)
    core.open_room(room["id"])
    wait_for(core, lambda: len(ids(core, room["id"])) == 50, "the newest page")
    assert texts(core, room["id"])[-1] == "m59"
    core.load_older(room["id"])
    wait_for(core, lambda: len(ids(core, room["id"])) == 60, "the older page")
    assert texts(core, room["id"]) == [f"m{n}" for n in range(60)]
    assert not core.state.log(room["id"]).more_before


def test_an_edit_and_a_delete_reach_the_other_core(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    ana.send(general(ana), "typo heer")

    def stored(core):  # the copy with its server id (the pending one has none yet)
        return [
            m for m in core.state.log(general(core)).ordered() if m.text == "typo heer" and m.id > 0
        ]

    wait_for([ana, rui], lambda: stored(ana) and stored(rui))
    mine = stored(ana)[0]
    ana.edit_message(mine.id, "typo here")
    wait_for([ana, rui], lambda: rui.state.log(general(rui)).messages[mine.id].text == "typo here")
    assert rui.state.log(general(rui)).messages[mine.id].edited_at is not None
    ana.delete_message(mine.id)
    wait_for([ana, rui], lambda: rui.state.log(general(rui)).messages[mine.id].deleted)


def test_editing_someone_elses_message_is_refused_in_words(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    ana.send(general(ana), "ana's words")
    wait_for([ana, rui], lambda: "ana's words" in texts(rui, general(rui)))
    theirs = next(m for m in rui.state.log(general(rui)).ordered() if m.text == "ana's words")
    rui.edit_message(theirs.id, "rui's words")
    wait_for(rui, lambda: "only change your own" in rui.state.notice)


def test_typing_shows_the_typist_to_the_other_core_and_is_throttled(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    room = general(ana)
    assert ana.typed(room) is True
    assert ana.typed(room) is False  # within 2 s: not sent again
    name = ana.state.me["name"]
    wait_for([ana, rui], lambda: rui.state.typing_line(room) == f"{name} is typing…")


def test_presence_marks_a_member_offline_when_their_client_closes(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    rui_id = rui.state.my_id
    ana.open_room(general(ana))
    wait_for(ana, lambda: rui_id in ana.state.online, "rui online")
    rui.close()
    wait_for(ana, lambda: rui_id not in ana.state.online, "rui offline")


def test_a_client_closing_while_its_worker_is_busy_still_says_goodbye(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    rui_id = rui.state.my_id
    ana.open_room(general(ana))
    wait_for(ana, lambda: rui_id in ana.state.online, "rui online")
    rui.call(time.sleep, 1.0)  # a slow request in the way
    rui.call(time.sleep, 1.0)  # and one waiting behind it, which closing drops
    rui.close(timeout=0.1)
    wait_for(ana, lambda: rui_id not in ana.state.online, "rui offline")


def test_a_crowd_announced_in_batches_all_shows_online(server, make_core):
    ana = make_core(server.url)
    crowd = [register(server.url) for _ in range(3 * BURST)]
    port = int(server.url.rsplit(":", 1)[1])

    sockets = [open_raw(port, api.token, timeout=5)[0] for api, _user in crowd]

    wanted = {user["id"] for _api, user in crowd}
    wait_for(ana, lambda: wanted <= set(ana.state.online), "the whole crowd online")
    for ws in sockets:
        ws.close()


def test_unread_counts_grow_in_rooms_not_on_screen(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    side = ana.api.create_room(unique_name("side"))
    rui.join_room(side["id"])
    wait_for(rui, lambda: rui.state.current_room == side["id"])
    ana.refresh_rooms()
    wait_for(ana, lambda: side["id"] in ana.state.rooms)
    rui.send(side["id"], "one")
    rui.send(side["id"], "two")
    wait_for(ana, lambda: ana.state.rooms[side["id"]].unread == 2, "two unread")
    ana.open_room(side["id"])
    assert ana.state.rooms[side["id"]].unread == 0


def test_a_direct_conversation_opens_on_both_sides(server, make_core):
    ana, rui = make_core(server.url), make_core(server.url)
    ana.open_direct(rui.state.my_id)
    wait_for(ana, lambda: ana.state.rooms[ana.state.current_room].is_direct)
    direct = ana.state.current_room
    assert ana.state.rooms[direct].title == rui.state.me["name"]
    ana.send(direct, "psst")
    wait_for([ana, rui], lambda: direct in rui.state.rooms and rui.state.rooms[direct].unread == 1)


def test_after_a_restart_the_core_resumes_with_no_gap_and_no_duplicate(own_server, make_core):
    server = own_server()
    ana, rui = make_core(server.url), make_core(server.url)
    room = general(ana)
    for n in range(3):
        rui.send(room, f"before {n}")
    wait_for([ana, rui], lambda: len(texts(ana, room)) == 3)
    server.stop()
    wait_for(ana, lambda: ana.state.link.status == RECONNECTING, "ana to notice")
    wait_for(rui, lambda: rui.state.link.status == RECONNECTING, "rui to notice")
    server.start()
    meanwhile, _ = register(server.url)
    for n in range(3):
        meanwhile.request("POST", f"/rooms/{room}/messages", json={"message": f"while {n}"})
    wait_for(ana, lambda: ana.state.link.status == CONNECTED, "ana back")
    wait_for(ana, lambda: len(texts(ana, room)) == 6, "the missed messages")
    seqs = [m.seq for m in ana.state.log(room).ordered()]
    assert seqs == list(range(seqs[0], seqs[0] + 6))
    assert texts(ana, room) == [f"before {n}" for n in range(3)] + [f"while {n}" for n in range(3)]


def test_messages_sent_while_reconnecting_go_out_once_when_the_link_is_back(own_server, make_core):
    server = own_server()
    ana, rui = make_core(server.url), make_core(server.url)
    room = general(ana)
    server.stop()
    wait_for(ana, lambda: ana.state.link.status == RECONNECTING, "ana to notice")
    ana.send(room, "queued one")
    ana.send(room, "queued two")
    assert [o.text for o in ana.state.outbox] == ["queued one", "queued two"]
    server.start()
    wait_for(ana, lambda: ana.state.link.status == CONNECTED, "ana back")
    wait_for(ana, lambda: not ana.state.outbox, "the outbox to empty")
    wait_for(rui, lambda: "queued two" in texts(rui, room), "rui to get them")
    stored = rui.api.history(room, limit=50)
    assert [m["message"] for m in stored].count("queued one") == 1
    assert texts(ana, room).count("queued one") == 1
    assert texts(rui, room).count("queued two") == 1


def test_a_seq_gap_is_filled_over_rest(server, make_core):
    ana = make_core(server.url)
    room = general(ana)
    api, _ = register(server.url)
    first = api.request("POST", f"/rooms/{room}/messages", json={"message": "gap 1"})
    wait_for(ana, lambda: first["id"] in ana.state.log(room).messages)
    api.request("POST", f"/rooms/{room}/messages", json={"message": "gap 2"})
    third = api.request("POST", f"/rooms/{room}/messages", json={"message": "gap 3"})
    wait_for(ana, lambda: third["id"] in ana.state.log(room).messages)
    ana.state.log(room).drop(third["id"] - 1)  # as if "gap 2" had been lost on the way
    ana.state.log(room).filled_after = None
    ana.post("messages", [third])
    wait_for(ana, lambda: "gap 2" in texts(ana, room), "the gap to be filled")
    assert texts(ana, room)[-3:] == ["gap 1", "gap 2", "gap 3"]


def test_signing_out_closes_the_link_and_ends_the_session(server, make_core):
    ana = make_core(server.url)
    api = ana.api
    ana.sign_out().result(timeout=10)
    wait_for(ana, lambda: not ana.signed_in)
    assert api.token is None
