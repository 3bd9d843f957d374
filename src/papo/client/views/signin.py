"""The sign-in form: server, username, password; or a new account with a name and an age."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from .. import validation
from ..api import ApiError, Json
from ..i18n import N_, Lazy, _
from .theme import CAPTION, TITLE

Intent = Callable[[str, Json], None]  # ("sign_in" | "register", values)
FIELDS = ("server", "username", "password", "name", "age")
ERROR_COLOUR = "#c42b1c"


class FormEntry(ttk.Entry):
    """An entry with its caption and the label for its error message beside it."""

    caption: ttk.Label
    error: ttk.Label


class SignInView(ttk.Frame):
    """Collects the credentials and forwards them; shows the server's answer in words."""

    def __init__(self, parent: tk.Misc, *, server: str, username: str, on_submit: Intent) -> None:
        super().__init__(parent, padding=32)
        self.on_submit = on_submit
        self.registering = False
        self.said: str | Lazy = ""
        self.said_error = True
        self.columnconfigure(1, weight=1)
        self.create_widgets(server, username)
        self.show_mode()

    def create_widgets(self, server: str, username: str) -> None:
        """The fields, the message line and the two buttons."""
        self.heading = ttk.Label(self, text=_("Sign in to Papo"), font=TITLE)
        self.heading.grid(row=0, column=0, columnspan=3, sticky="w", pady=(0, 16))
        self.server = self._entry(_("Server"), 1, server)
        self.username = self._entry(_("Username"), 2, username)
        self.password = self._entry(_("Password"), 3, "", show="•")
        self.name = self._entry(_("Your name"), 4, "")
        self.age = self._entry(_("Age (optional)"), 5, "")
        self.message = ttk.Label(self, foreground=ERROR_COLOUR, wraplength=420, justify="left")
        self.message.grid(row=6, column=0, columnspan=3, sticky="w", pady=(8, 0))
        row = ttk.Frame(self)
        row.grid(row=7, column=0, columnspan=3, sticky="ew", pady=(16, 0))
        self.submit_button = ttk.Button(row, style="Accent.TButton", command=self.submit)
        self.submit_button.pack(side="left")
        self.switch_button = ttk.Button(row, command=self.toggle_mode)
        self.switch_button.pack(side="right")
        hint = _("The password is never stored; the server and username are remembered.")
        ttk.Label(self, text=hint, font=CAPTION).grid(row=8, column=0, columnspan=3, sticky="w")
        for widget in (self.server, self.username, self.password, self.name, self.age):
            widget.bind("<Return>", self.submit)

    def _entry(self, label: str, row: int, value: str, **options: Any) -> FormEntry:
        caption = ttk.Label(self, text=label)
        caption.grid(row=row, column=0, sticky="w", padx=(0, 12), pady=4)
        entry = FormEntry(self, width=36, **options)
        entry.insert(0, value)
        entry.grid(row=row, column=1, sticky="ew", pady=4)
        error = ttk.Label(self, foreground=ERROR_COLOUR, wraplength=240)
        error.grid(row=row, column=2, sticky="w", padx=(12, 0))
        entry.caption, entry.error = caption, error
        return entry

    def focus_first(self) -> None:
        """Put the cursor where typing should start."""
        target = self.password if self.username.get() else self.username
        target.focus_set()

    # --- modes --------------------------------------------------------------------------

    def toggle_mode(self) -> None:
        """Switch between signing in and creating an account."""
        self.registering = not self.registering
        self.show_mode()

    def show_mode(self) -> None:
        """Show the fields and button texts of the current mode."""
        extra = (self.name, self.age)
        for entry in extra:
            for widget in (entry.caption, entry, entry.error):
                (widget.grid if self.registering else widget.grid_remove)()
        if self.registering:
            self.heading.configure(text=_("Create a Papo account"))
            self.submit_button.configure(text=_("Create account"))
            self.switch_button.configure(text=_("I have an account"))
        else:
            self.heading.configure(text=_("Sign in to Papo"))
            self.submit_button.configure(text=_("Sign in"))
            self.switch_button.configure(text=_("Create account…"))
        self.clear()

    # --- submitting ---------------------------------------------------------------------

    def values(self) -> Json | None:
        """The form's values, or None after showing what is missing or wrong."""
        values: Json = {
            "server": self.server.get().strip(),
            "username": self.username.get().strip(),
            "password": self.password.get(),
        }
        problems = {k: _("Required.") for k, v in values.items() if not v}
        if self.registering:
            checks: dict[str, tuple[object, str]] = {
                "username": validation.username(values["username"]),
                "password": validation.password(values["password"]),
                "name": validation.name(self.name.get()),
                "age": validation.age(self.age.get()),
            }
            problems.update({k: p for k, (_v, p) in checks.items() if p})
            values.update({k: v for k, (v, _p) in checks.items()})
        for name, problem in problems.items():
            self.show_field_error(name, problem)
        return None if problems else values

    def submit(self, _event: object = None) -> None:
        """Check the form, then forward it (the app signs in off the Tk thread)."""
        if self.busy:
            return
        self.clear()
        values = self.values()
        if values is None:
            return
        self.set_busy(True)
        self.say(Lazy(N_("Connecting…")), error=False)
        self.on_submit("register" if self.registering else "sign_in", values)

    @property
    def busy(self) -> bool:
        """True while a request is on its way."""
        return "disabled" in self.submit_button.state()

    def set_busy(self, busy: bool) -> None:
        """Disable the buttons while a request is on its way."""
        for button in (self.submit_button, self.switch_button):
            button.state(["disabled"] if busy else ["!disabled"])

    def failed(self, error: ApiError) -> None:
        """Show why signing in or up did not work."""
        self.set_busy(False)
        self.say(Lazy(error.describe))
        for name, problem in error.fields.items():
            self.show_field_error(name, problem)

    def say(self, notice: str | Lazy, *, error: bool = True) -> None:
        """Show a message under the form (a Lazy one is worded again after a language switch)."""
        self.said, self.said_error = notice, error
        self.message.configure(text=str(notice), foreground=ERROR_COLOUR if error else "")

    def show_field_error(self, name: str, problem: str) -> None:
        """Show `problem` next to field `name`."""
        entry = getattr(self, name, None)
        if isinstance(entry, FormEntry):
            entry.error.configure(text=problem)

    def clear(self) -> None:
        """Remove every message."""
        self.said = ""
        self.message.configure(text="")
        for entry in (self.server, self.username, self.password, self.name, self.age):
            entry.error.configure(text="")

    # --- a change of language -----------------------------------------------------------

    def kept(self) -> Json:
        """What was typed and shown, for a form rebuilt in another language."""
        texts = {name: getattr(self, name).get() for name in FIELDS}
        said = {"notice": self.said, "error": self.said_error}
        return {"texts": texts, "registering": self.registering, "busy": self.busy, **said}

    def restore(self, kept: Json) -> None:
        """Put back what `kept()` returned (the messages are worded again)."""
        for name, text in kept["texts"].items():
            entry = getattr(self, name)
            entry.delete(0, "end")
            entry.insert(0, text)
        if kept["registering"] != self.registering:
            self.toggle_mode()
        self.set_busy(kept["busy"])
        self.say(kept["notice"], error=kept["error"])
