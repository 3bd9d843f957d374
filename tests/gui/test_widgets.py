"""Our widgets keep Tk's own methods: a name of ours must not shadow one of Tk's."""

from __future__ import annotations

import tkinter as tk

import pytest

from papo.client.i18n import N_
from papo.client.views.chat import Composer
from papo.client.views.dialogs import ConfirmDialog


def test_a_dialog_still_answers_tks_wm_frame(make_app):
    app = make_app()
    dialog = ConfirmDialog(app, "Question", "Sure?", N_("OK"))
    app.update()
    assert dialog.frame() == dialog.wm_frame()
    assert dialog.frame().startswith("0x")
    dialog.cancel_button.invoke()


def test_the_composer_still_has_tks_send(make_app):
    app = make_app()
    composer = Composer(app, on_send=list, on_typing=list)
    with pytest.raises(tk.TclError):  # Tk's send() to an application that is not there
        composer.send("papo-no-such-application", "info", "patchlevel")
    composer.destroy()


def test_the_send_button_sends_the_text_and_empties_the_box(make_app):
    app = make_app()
    sent: list[str] = []
    composer = Composer(app, on_send=sent.append, on_typing=list)
    composer.box.insert("1.0", "  hello  ")
    composer.send_button.invoke()
    assert sent == ["hello"]
    assert composer.draft() == ""
    composer.destroy()
