"""The chat window, driven for real: two clients talking through a real server."""

from __future__ import annotations

from client.helpers import PASSWORD, register
from gui.helpers import pump_until, screenshot, shown_lines, sign_in, tree_texts


def type_and_press_enter(app, text: str) -> None:
    """Type into the message box and press Enter, as a person would."""
    box = app.main.composer.box
    box.focus_force()
    box.insert("1.0", text)
    box.event_generate("<Return>")


def test_a_message_typed_in_one_window_appears_in_the_other(gui_server, make_app, screenshots):
    _api, ana = register(gui_server.url, name="Ana Lima")
    rui_api, rui = register(gui_server.url, name="Rui Costa")
    left, right = make_app("ana"), make_app("rui")
    sign_in(left, gui_server.url, ana["username"], PASSWORD)
    sign_in(right, gui_server.url, rui["username"], PASSWORD)
    type_and_press_enter(left, "Olá Rui! The notes are at https://example.org/notes")
    pump_until(
        [left, right],
        lambda: any("Olá Rui" in t for t in shown_lines(right.main.conversation)),
        "the message in Rui's window",
    )
    assert left.main.composer.box.get("1.0", "end-1c") == ""
    type_and_press_enter(right, "Thanks Ana, reading them now.")
    pump_until(
        [left, right],
        lambda: "Thanks Ana, reading them now." in shown_lines(left.main.conversation),
    )
    pump_until(left, lambda: any("Rui Costa" in n for n in tree_texts(left.main.people.tree)))
    _show_unread_and_typing(left, right, rui_api)
    screenshot(left, screenshots / "screenshot-chat.png")


def _show_unread_and_typing(left, right, rui_api) -> None:
    """Give the screenshot an unread room and a typing notice (and check both show)."""
    room = rui_api.create_room("design", topic="Mock-ups and reviews")  # once per server
    left.core.join_room(room["id"])
    pump_until(left, lambda: left.core.state.current_room == room["id"], "the design room")
    general = next(r.id for r in left.core.state.rooms.values() if r.name == "general")
    left.core.open_room(general)
    pump_until(left, lambda: left.core.state.current_room == general, "general again")
    for text in ("New mock-ups are up", "Feedback by Friday, please"):
        rui_api.request("POST", f"/rooms/{room['id']}/messages", json={"message": text})
    tree = left.main.rooms.tree
    pump_until(left, lambda: tree.set(str(room["id"]), "unread") == "2", "two unread")
    right.core.typed(general)
    typing = left.main.composer.typing
    pump_until([left, right], lambda: typing.cget("text") == "Rui Costa is typing…", "typing")


def test_shift_enter_starts_a_new_line_instead_of_sending(gui_server, make_app):
    _api, ana = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    box = app.main.composer.box
    box.focus_force()
    box.insert("1.0", "first line")
    box.event_generate("<Shift-Return>")
    app.update()
    assert box.get("1.0", "end-1c") == "first line\n"
    assert not app.core.state.outbox


def test_the_status_bar_names_the_link_and_the_user(gui_server, make_app):
    _api, ana = register(gui_server.url, name="Ana Status")
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    pump_until(app, lambda: "Connected" in app.main.link_label.cget("text"))
    assert "Ana Status" in app.main.user_label.cget("text")


def test_signing_out_goes_back_to_the_sign_in_form(gui_server, make_app):
    _api, ana = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    app.sign_out()
    pump_until(app, lambda: app.signin is not None and app.main is None, "the sign-in form")
    assert app.signin.username.get() == ana["username"]
