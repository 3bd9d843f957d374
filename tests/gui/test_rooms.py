"""The room list and the room switcher."""

from __future__ import annotations

from client.helpers import PASSWORD, register, unique_name
from gui.helpers import pump_until, sign_in
from papo.client.state import State
from papo.client.views.rooms import RoomList


def test_redrawing_the_room_list_does_not_open_the_room_again(make_app):
    app = make_app()
    opened: list[int] = []
    rooms = RoomList(app, on_open=opened.append, on_new_room=list, on_join=list, on_direct=list)
    state = State(me={"id": 1, "username": "ana", "name": "Ana"})
    state.set_rooms([{"id": 7, "name": "general", "kind": "channel"}])
    state.open_room(7)
    for _ in range(3):
        rooms.render(state)
        app.update()
    assert opened == []
    rooms.tree.selection_set("channels")
    app.update()
    assert opened == []  # a group heading is not a room


def test_choosing_a_room_in_the_list_opens_it(gui_server, make_app):
    api, ana = register(gui_server.url)
    side = api.create_room(unique_name("side"))
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    pump_until(app, lambda: app.main.rooms.tree.exists(str(side["id"])), "the side room")
    app.main.rooms.tree.selection_set(str(side["id"]))
    title = app.main.conversation.title
    pump_until(app, lambda: title.cget("text").startswith(f"#{side['name']}"), "the side room")


def test_ctrl_k_switches_rooms_by_typing_part_of_the_name(gui_server, make_app):
    api, ana = register(gui_server.url)
    side = api.create_room(unique_name("kswitch"))
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    pump_until(app, lambda: side["id"] in app.core.state.rooms, "the room list")
    app.main.switch_room()
    dialog = app.main.dialog
    dialog.query.set("kswitch")
    app.update()
    assert dialog.listing.get_children() == (str(side["id"]),)
    dialog.ok_button.invoke()
    pump_until(app, lambda: app.core.state.current_room == side["id"], "the chosen room")


def test_a_new_room_is_created_and_opened_from_its_dialog(gui_server, make_app):
    _api, ana = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    app.main.rooms.new_button.invoke()
    dialog = app.main.dialog
    name = unique_name("made")
    dialog.entries["name"].insert(0, name)
    dialog.ok_button.invoke()
    pump_until(
        app,
        lambda: app.core.state.rooms.get(app.core.state.current_room).name == name,
        "the new room on screen",
    )


def test_own_messages_can_be_edited_from_the_conversation(gui_server, make_app):
    _api, ana = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    app.core.send(app.core.state.current_room, "speling")
    conversation = app.main.conversation
    pump_until(
        app,
        lambda: any(m.text == "speling" and m.id > 0 for m in conversation.messages.values()),
        "the stored message",
    )
    mine = next(m for m in conversation.messages.values() if m.text == "speling")
    assert conversation.is_own(mine)
    app.main.edit_message(mine)
    box = app.main.dialog.entries["message"]
    box.delete("1.0", "end")
    box.insert("1.0", "spelling")
    app.main.dialog.ok_button.invoke()
    pump_until(app, lambda: "spelling" in conversation.shown_texts(), "the edited text")
    assert "(edited)" in conversation.text.get("1.0", "end")
