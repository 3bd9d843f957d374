"""The room list and the room switcher."""

from __future__ import annotations

from client.helpers import PASSWORD, register, unique_name
from gui.helpers import pump_until, shown_lines, sign_in
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
    box = app.main.composer.box
    box.focus_force()
    app.update()
    box.event_generate("<Control-k>")
    dialog = pump_until(app, lambda: app.main.dialog, "the room switcher")
    dialog.entries["query"].insert(0, "kswitch")
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


def test_a_room_name_already_taken_is_said_in_the_dialog_which_stays_open(gui_server, make_app):
    api, ana = register(gui_server.url)
    taken = api.create_room(unique_name("taken"))["name"]
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    app.main.rooms.new_button.invoke()
    dialog = app.main.dialog
    dialog.entries["name"].insert(0, taken)
    dialog.entries["topic"].insert(0, "a second one")
    dialog.ok_button.invoke()
    pump_until(app, lambda: "disabled" not in dialog.ok_button.state(), "the server's answer")
    assert dialog.winfo_exists()
    shown = dialog.errors["name"].cget("text") + dialog.message.cget("text")
    assert "A room named" in shown and "already exists" in shown, shown
    assert dialog.entries["name"].get() == taken
    assert dialog.entries["topic"].get() == "a second one"


def test_a_room_name_taken_is_said_in_portuguese_for_a_portuguese_speaker(
    gui_server, make_app, monkeypatch
):
    api, ana = register(gui_server.url)
    taken = api.create_room(unique_name("ocupado"))["name"]
    monkeypatch.setenv("PAPO_LANG", "pt_BR")
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    app.main.rooms.new_button.invoke()
    dialog = app.main.dialog
    dialog.entries["name"].insert(0, taken)
    dialog.ok_button.invoke()
    pump_until(app, lambda: "disabled" not in dialog.ok_button.state(), "the server's answer")
    assert dialog.winfo_exists()
    shown = dialog.errors["name"].cget("text") + dialog.message.cget("text")
    assert "Já existe uma sala" in shown, shown


def _open_context_menu(app, conversation, message) -> None:
    """Right-click the message where it is drawn."""
    first = conversation.text.tag_ranges(f"m{message.id}")[0]
    conversation.text.see(first)
    app.update()
    x, y, _w, _h = conversation.text.bbox(first)
    conversation.text.event_generate("<Button-3>", x=x + 2, y=y + 2, rootx=0, rooty=0)
    app.update()


def _menu_entry(menu, label: str) -> int:
    labels = [menu.entrycget(i, "label") for i in range(menu.index("end") + 1)]
    return labels.index(label)


def test_own_messages_can_be_edited_from_the_conversation(gui_server, make_app):
    _api, ana = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    box = app.main.composer.box
    box.focus_force()
    box.insert("1.0", "speling")
    box.event_generate("<Return>")
    conversation = app.main.conversation
    mine = pump_until(
        app,
        lambda: next(
            (m for m in conversation.messages.values() if m.text == "speling" and m.id > 0), None
        ),
        "the stored message",
    )
    _open_context_menu(app, conversation, mine)
    menu = conversation.menu
    menu.invoke(_menu_entry(menu, "Edit…"))
    menu.unpost()
    dialog = app.main.dialog
    edit = dialog.entries["message"]
    edit.delete("1.0", "end")
    edit.insert("1.0", "spelling")
    dialog.ok_button.invoke()
    pump_until(app, lambda: "spelling" in shown_lines(conversation), "the edited text")
    assert not dialog.winfo_exists()  # closed once the server agreed
    assert "(edited)" in conversation.text.get("1.0", "end")


def test_an_edit_the_server_refuses_is_said_in_the_dialog_which_stays_open(gui_server, make_app):
    _api, ana = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    box = app.main.composer.box
    box.focus_force()
    box.insert("1.0", "short")
    box.event_generate("<Return>")
    conversation = app.main.conversation
    mine = pump_until(
        app,
        lambda: next(
            (m for m in conversation.messages.values() if m.text == "short" and m.id > 0), None
        ),
        "the stored message",
    )
    app.main.edit_message(mine)
    dialog = app.main.dialog
    too_long = "x" * 4001  # the server allows 4000
    fill_text(dialog.entries["message"], too_long)
    dialog.ok_button.invoke()
    pump_until(app, lambda: "disabled" not in dialog.ok_button.state(), "the server's answer")
    assert dialog.winfo_exists()
    assert dialog.message.cget("text") or dialog.errors["message"].cget("text")
    assert dialog.entries["message"].get("1.0", "end-1c") == too_long


def fill_text(box, text: str) -> None:
    """Replace a Text widget's content."""
    box.delete("1.0", "end")
    box.insert("1.0", text)
