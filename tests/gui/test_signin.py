"""The sign-in window, driven for real on the test display."""

from __future__ import annotations

import json

from client.helpers import PASSWORD, register
from gui.helpers import fill, pump_until, screenshot, settle
from papo.client.api import DEFAULT_SERVER


def test_the_form_starts_with_the_default_server(make_app):
    app = make_app()
    assert app.signin.server.get() == DEFAULT_SERVER


def test_a_wrong_password_is_said_in_words(gui_server, make_app):
    _api, user = register(gui_server.url)
    app = make_app()
    fill(app.signin.server, gui_server.url)
    fill(app.signin.username, user["username"])
    fill(app.signin.password, "not my password")
    app.signin.submit_button.invoke()
    pump_until(app, lambda: "Wrong username or password" in app.signin.message.cget("text"))
    assert app.main is None


def test_signing_in_opens_the_chat_and_remembers_server_and_username(
    gui_server, make_app, tmp_path, screenshots
):
    _api, user = register(gui_server.url)
    app = make_app("ana")
    fill(app.signin.server, gui_server.url)
    fill(app.signin.username, user["username"])
    fill(app.signin.password, PASSWORD)
    settle(app)
    screenshot(app, screenshots / "screenshot-signin.png")
    app.signin.submit_button.invoke()
    pump_until(app, lambda: app.main is not None, "the main window")
    saved = json.loads((tmp_path / "ana" / "client.json").read_text())
    assert saved["server"] == gui_server.url and saved["username"] == user["username"]
    assert PASSWORD not in json.dumps(saved)


def test_a_bad_age_is_refused_next_to_the_field_before_any_request(gui_server, make_app):
    app = make_app()
    app.signin.switch_button.invoke()
    fill(app.signin.server, gui_server.url)
    fill(app.signin.username, "ageless")
    fill(app.signin.password, PASSWORD)
    fill(app.signin.name, "Ageless")
    fill(app.signin.age, "151")
    app.signin.submit_button.invoke()
    app.update()
    assert app.signin.age.error.cget("text") == "Age must be a whole number from 0 to 150."
    assert not app.signin.busy  # nothing was sent


def test_an_unreachable_server_is_said_in_words(make_app):
    app = make_app()
    fill(app.signin.server, "http://127.0.0.1:9")
    fill(app.signin.username, "anyone")
    fill(app.signin.password, PASSWORD)
    app.signin.submit_button.invoke()
    pump_until(app, lambda: "Cannot reach the server" in app.signin.message.cget("text"))
