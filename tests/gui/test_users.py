"""The Users tab, driven for real: the table, the dialogs, what members may not do."""

from __future__ import annotations

from client.helpers import ADMIN, ADMIN_PASSWORD, PASSWORD, register
from gui.helpers import fill, pump_until, row, screenshot, sign_in
from papo.client.views.users import ADMIN_NOTE


def open_users_tab(app) -> None:
    """Select the Users tab and wait for the first page."""
    app.main.tabs.select(app.main.users)
    pump_until(app, lambda: app.main.users.items, "the first page of users")


def choose(app, user_id: int) -> None:
    """Select a user's row."""
    app.main.users.tree.selection_set(str(user_id))
    app.update()


def test_an_admin_edits_a_user_in_the_table(gui_server, make_app, screenshots):
    _api, user = register(gui_server.url, name="Bea Before")
    app = make_app()
    sign_in(app, gui_server.url, ADMIN, ADMIN_PASSWORD)
    open_users_tab(app)
    view = app.main.users
    fill(view.query, user["username"])
    view.search_button.invoke()
    pump_until(app, lambda: [u["id"] for u in view.items] == [user["id"]], "the search result")
    choose(app, user["id"])
    view.edit_button.invoke()
    fill(view.dialog.entries["name"], "Bea After")
    fill(view.dialog.entries["age"], "33")
    view.dialog.ok_button.invoke()
    pump_until(
        app,
        lambda: view.tree.exists(str(user["id"])) and row(view, user["id"])["name"] == "Bea After",
        "the edited row",
    )
    assert row(view, user["id"])["age"] == "33"
    fill(view.query, "")
    view.search_button.invoke()
    pump_until(app, lambda: len(view.items) > 1, "every user")
    screenshot(app, screenshots / "screenshot-users.png")


def test_a_bad_age_is_shown_next_to_the_field_and_nothing_is_sent(gui_server, make_app):
    _api, user = register(gui_server.url, name="Age Test")
    app = make_app()
    sign_in(app, gui_server.url, ADMIN, ADMIN_PASSWORD)
    open_users_tab(app)
    view = app.main.users
    view.edit({**user, "age": None})
    fill(view.dialog.entries["age"], "12.5")
    view.dialog.ok_button.invoke()
    app.update()
    assert view.dialog.errors["age"].cget("text") == "Age must be a whole number from 0 to 150."
    assert view.dialog.winfo_exists()
    assert "disabled" not in view.dialog.ok_button.state()


def test_an_admin_creates_then_deletes_a_user_after_confirming(gui_server, make_app):
    app = make_app()
    sign_in(app, gui_server.url, ADMIN, ADMIN_PASSWORD)
    open_users_tab(app)
    view = app.main.users
    view.new_button.invoke()
    for name, text in (("username", "gui.made"), ("password", PASSWORD), ("name", "Gui Made")):
        fill(view.dialog.entries[name], text)
    view.dialog.ok_button.invoke()
    pump_until(app, lambda: any(u["username"] == "gui.made" for u in view.items), "the new row")
    made = next(u for u in view.items if u["username"] == "gui.made")
    choose(app, made["id"])
    view.delete_button.invoke()
    assert "Gui Made" in view.dialog.question
    view.dialog.ok_button.invoke()
    pump_until(app, lambda: all(u["id"] != made["id"] for u in view.items), "the row to go")


def test_a_member_sees_admin_actions_disabled_with_the_reason(gui_server, make_app):
    _api, member = register(gui_server.url)
    _api, other = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, member["username"], PASSWORD)
    open_users_tab(app)
    view = app.main.users
    assert "disabled" in view.new_button.state()
    assert view.note.cget("text") == ADMIN_NOTE
    choose(app, other["id"]) if view.tree.exists(str(other["id"])) else None
    assert "disabled" in view.delete_button.state()


def test_a_member_edits_their_own_profile(gui_server, make_app):
    _api, member = register(gui_server.url, name="Me Before")
    app = make_app()
    sign_in(app, gui_server.url, member["username"], PASSWORD)
    open_users_tab(app)
    view = app.main.users
    view.profile_button.invoke()
    assert "role" not in view.dialog.entries  # members cannot change their role
    fill(view.dialog.entries["name"], "Me After")
    view.dialog.ok_button.invoke()
    pump_until(app, lambda: "Me After" in app.main.user_label.cget("text"), "the new name")


def test_a_wrong_current_password_is_shown_on_its_field(gui_server, make_app):
    _api, member = register(gui_server.url)
    app = make_app()
    sign_in(app, gui_server.url, member["username"], PASSWORD)
    open_users_tab(app)
    view = app.main.users
    view.password_button.invoke()
    fill(view.dialog.entries["current_password"], "not it at all")
    fill(view.dialog.entries["password"], "new password 1")
    fill(view.dialog.entries["repeat"], "new password 1")
    view.dialog.ok_button.invoke()
    pump_until(app, lambda: view.dialog.errors["current_password"].cget("text"), "the message")
    assert "current password" in view.dialog.errors["current_password"].cget("text")
