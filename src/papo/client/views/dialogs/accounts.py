"""The account forms: create or edit a user, change your password."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from ... import validation
from ...api import Json
from ...i18n import N_, _
from .base import Dialog, Values

ROLES = {"member": N_("member"), "admin": N_("admin")}


class UserDialog(Dialog):
    """Create a user (admins), or edit one: name and age; role and state for admins."""

    def __init__(
        self, parent: tk.Misc, *, user: Json | None = None, admin: bool = False, **kw: Any
    ) -> None:
        self.user, self.admin = user, admin
        self.ok_text = N_("Save") if user else N_("Create")
        title = _("Edit %(username)s") % {"username": user["username"]} if user else _("New user")
        super().__init__(parent, title, **kw)

    def create_widgets(self) -> None:
        user = self.user or {}
        if self.user is None:
            self.entry("username", _("Username"), 0)
            self.entry("password", _("Password"), 1, show="•")
        self.entry("name", _("Name"), 2, user.get("name", ""))
        age = user.get("age")
        self.entry("age", _("Age"), 3, "" if age is None else str(age))
        if self.admin:
            role = user.get("role", "member")
            self.role = tk.StringVar(self, _(ROLES.get(role) or role))
            names = [_(name) for name in ROLES.values()]
            box = ttk.Combobox(self.body, textvariable=self.role, values=names, state="readonly")
            self.field("role", _("Role"), box, 4)
            self.active = tk.BooleanVar(self, user.get("active", True))
            check = ttk.Checkbutton(self.body, text=_("Can sign in"), variable=self.active)
            self.field("active", _("Active"), check, 5)

    def chosen_role(self) -> str:
        """The role picked, as the server names it ("member" or "admin")."""
        shown = self.role.get()
        return next((key for key, name in ROLES.items() if _(name) == shown), shown)

    def validate(self) -> Values | None:
        checks: dict[str, tuple[object, str]] = {
            "name": validation.name(self.typed("name")),
            "age": validation.age(self.typed("age")),
        }
        if self.user is None:
            checks["username"] = validation.username(self.typed("username"))
            checks["password"] = validation.password(self.typed("password"))
        if self.admin:
            checks["role"] = (self.chosen_role(), "")
            checks["active"] = (bool(self.active.get()), "")
        return self.checked(checks)


class PasswordDialog(Dialog):
    """Change your password: the current one, then the new one twice."""

    ok_text = N_("Change password")

    def create_widgets(self) -> None:
        self.entry("current_password", _("Current password"), 0, show="•")
        self.entry("password", _("New password"), 1, show="•")
        self.entry("repeat", _("Repeat new password"), 2, show="•")

    def validate(self) -> Values | None:
        new, repeat = self.typed("password"), self.typed("repeat")
        checks: dict[str, tuple[object, str]] = {
            "current_password": (self.typed("current_password"), ""),
            "password": validation.password(new),
            "repeat": (repeat, "" if repeat == new else _("The two passwords differ.")),
        }
        values = self.checked(checks)
        if values is not None:
            values.pop("repeat")
        return values
