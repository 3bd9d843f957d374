"""The forms about rooms and messages: create a channel, edit a message."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from ... import validation
from ...i18n import N_, _
from .base import Dialog, Values


class RoomDialog(Dialog):
    """Create a channel: name, topic, public or private."""

    ok_text = N_("Create")

    def create_widgets(self) -> None:
        self.entry("name", _("Name"), 0)
        self.entry("topic", _("Topic"), 1)
        self.private = tk.BooleanVar(self, False)
        check = ttk.Checkbutton(self.body, text=_("Members only"), variable=self.private)
        self.field("private", _("Private"), check, 2)

    def validate(self) -> Values | None:
        return self.checked(
            {
                "name": validation.room_name(self.typed("name")),
                "topic": (self.typed("topic").strip(), ""),
                "private": (bool(self.private.get()), ""),
            }
        )


class EditMessageDialog(Dialog):
    """Change the text of one of your messages."""

    ok_text = N_("Save")

    def __init__(self, parent: tk.Misc, text: str, **kw: Any) -> None:
        self.text = text
        super().__init__(parent, _("Edit message"), **kw)

    def create_widgets(self) -> None:
        box = tk.Text(self.body, width=48, height=5, wrap="word", undo=True)
        box.insert("1.0", self.text)
        self.field("message", _("Message"), box, 0)
        box.bind("<Return>", self._enter)
        box.bind("<Shift-Return>", lambda _e: None)

    def _enter(self, _event: object) -> str:
        self.ok()
        return "break"  # Enter saves; Shift+Enter (bound above) breaks the line

    def validate(self) -> Values | None:
        text = self.typed("message").strip()
        return self.checked({"message": (text, "" if text else _("The message is empty."))})
