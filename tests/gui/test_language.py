"""Papo in Portuguese, driven for real: a window that starts in pt_BR, and a switch of
language from the menu that redraws everything in place, without signing out."""

from __future__ import annotations

import json

from client.helpers import PASSWORD, register
from gui.helpers import fill, menu_index, pump_until, screenshot, shown_lines, sign_in
from gui.test_chat import type_and_press_enter
from papo.client.state import CONNECTED

GREETING = "Olá, pessoal! A reunião de amanhã começa às 15h, na sala de projeções."
REPLY = "Ótimo, até lá. Não esqueçam o relatório de avaliação."
DRAFT = "Levo o café e o pão de queijo"


def choose_language(app, label: str) -> None:
    """Pick a language in Papo → Language, as a person would."""
    app.language_menu.invoke(menu_index(app.language_menu, label))
    app.update()


def menu_labels(menu) -> list[str]:
    """The labels of a menu's entries."""
    entries = range(menu.index("end") + 1)
    return [menu.entrycget(i, "label") for i in entries if menu.type(i) != "separator"]


def saved_language(app) -> str:
    """The language remembered in client.json."""
    return json.loads((app.config_dir / "client.json").read_text())["language"]


def test_portuguese_from_the_start_then_english_from_the_menu_without_signing_out(
    gui_server, make_app, monkeypatch, screenshots
):
    monkeypatch.setenv("PAPO_LANG", "pt_BR")
    _api, ana = register(gui_server.url, name="Ana Souza")
    rui_api, _rui = register(gui_server.url, name="Rui Araújo")
    app = make_app("pt")
    form = app.signin
    assert form.heading.cget("text") == "Entrar no Papo"
    assert form.submit_button.cget("text") == "Entrar"
    assert form.password.caption.cget("text") == "Senha"
    assert {"Idioma", "Tema escuro", "Sair da conta"} <= set(menu_labels(app.papo_menu))

    sign_in(app, gui_server.url, ana["username"], PASSWORD)
    main = app.main
    assert [main.tabs.tab(i, "text") for i in (0, 1)] == ["Conversas", "Usuários"]
    assert main.rooms.heading.cget("text") == "Salas"
    assert main.composer.send_button.cget("text") == "Enviar"
    pump_until(app, lambda: main.link_label.cget("text") == "● Conectado", "Conectado")
    _converse(app, rui_api)
    assert "— Hoje —" in main.conversation.text.get("1.0", "end")
    screenshot(app, screenshots / "screenshot-chat-pt.png")

    _a_bad_age_is_refused_in_portuguese(app)

    main.composer.box.insert("1.0", DRAFT)
    session, link = app.core.api.token, app.core.realtime
    choose_language(app, "English")
    assert app.main is not main and app.signin is None  # redrawn, not signed out
    assert [app.main.tabs.tab(i, "text") for i in (0, 1)] == ["Chat", "Users"]
    assert app.main.tabs.index(app.main.tabs.select()) == 1  # the tab on screen stays
    assert app.main.composer.send_button.cget("text") == "Send"
    assert app.main.composer.draft() == DRAFT
    assert app.main.rooms.heading.cget("text") == "Rooms"
    assert app.main.link_label.cget("text") == "● Connected"
    assert (app.core.api.token, app.core.realtime) == (session, link)
    assert app.core.state.link.status == CONNECTED
    assert {GREETING, REPLY} <= set(shown_lines(app.main.conversation))
    assert "— Today —" in app.main.conversation.text.get("1.0", "end")
    assert app.core.api.language == "en" and saved_language(app) == "en"
    assert {"Language", "Dark theme", "Sign out"} <= set(menu_labels(app.papo_menu))


def _converse(app, rui_api) -> None:
    """Ana writes, Rui answers over REST; wait until both are in Ana's window."""
    type_and_press_enter(app, GREETING)
    room = app.core.state.current_room
    pump_until(app, lambda: GREETING in shown_lines(app.main.conversation), "Ana's message")
    rui_api.request("POST", f"/rooms/{room}/messages", json={"message": REPLY})
    pump_until(app, lambda: REPLY in shown_lines(app.main.conversation), "Rui's answer")
    pump_until(app, lambda: not app.core.state.outbox, "the message stored")


def _a_bad_age_is_refused_in_portuguese(app) -> None:
    users = app.main.users
    app.main.tabs.select(users)
    pump_until(app, lambda: users.items, "the first page of users")
    assert users.profile_button.cget("text") == "Meu perfil…"
    users.profile_button.invoke()
    dialog = users.dialog
    fill(dialog.entries["age"], "151")
    dialog.ok_button.invoke()
    app.update()
    assert dialog.errors["age"].cget("text") == "A idade deve ser um número inteiro de 0 a 150."
    assert dialog.ok_button.cget("text") == "Salvar"
    dialog.cancel_button.invoke()


def test_switching_language_on_the_sign_in_form_keeps_what_was_typed(make_app):
    app = make_app("form")
    form = app.signin
    form.switch_button.invoke()
    fill(form.username, "ana.souza")
    fill(form.age, "151")
    form.submit_button.invoke()
    app.update()
    assert form.age.error.cget("text") == "Age must be a whole number from 0 to 150."

    choose_language(app, "Português (Brasil)")
    form = app.signin
    assert form.heading.cget("text") == "Criar uma conta no Papo"
    assert form.submit_button.cget("text") == "Criar conta"
    assert form.username.get() == "ana.souza" and form.age.get() == "151"
    assert saved_language(app) == "pt_BR"

    choose_language(app, "Idioma do sistema")  # PAPO_LANG=en here
    assert app.signin.submit_button.cget("text") == "Create account"
    assert saved_language(app) == ""
