"""Modal forms in idlelib's query.py shape: create_widgets(), validate() → values or None with
the messages shown next to the fields, and fixed ok() / cancel().

A dialog that needs the server gets `submit(dialog, values)`; the caller runs the request off
the Tk thread and answers with dialog.done(result) or dialog.failed(error), so the window
stays responsive and shows the server's field messages where they belong.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from .. import validation
from ..api import ApiError
from ..i18n import N_, _

Submit = Callable[["Dialog", dict], None]
ROLES = {"member": N_("member"), "admin": N_("admin")}
ERROR_COLOUR = "#c42b1c"


class Dialog(tk.Toplevel):
    """A modal form with an OK and a Cancel button; `title` comes translated, `ok_text` is
    marked with N_() and translated here."""

    ok_text = N_("OK")

    def __init__(
        self,
        parent: tk.Misc,
        title: str,
        *,
        submit: Submit | None = None,
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.withdraw()
        self.title(title)
        self.transient(parent.winfo_toplevel())
        self.resizable(False, False)
        self.submit, self.on_done, self.result = submit, on_done, None
        self.entries: dict[str, tk.Widget] = {}
        self.errors: dict[str, ttk.Label] = {}
        self.frame = ttk.Frame(self, padding=16)
        self.frame.grid(sticky="nsew")
        self.frame.columnconfigure(1, weight=1)
        self.create_widgets()
        self._create_buttons()
        self.bind("<Return>", self.ok)
        self.bind("<Escape>", self.cancel)
        self.protocol("WM_DELETE_WINDOW", self.cancel)
        self._show(parent)

    def create_widgets(self) -> None:
        """Add the fields (subclasses)."""

    def validate(self) -> dict | None:
        """Return the values, or None after showing what is wrong (subclasses)."""
        return {}

    def _create_buttons(self) -> None:
        self.message = ttk.Label(self.frame, foreground=ERROR_COLOUR, wraplength=360)
        self.message.grid(row=98, column=0, columnspan=3, sticky="w", pady=(8, 0))
        row = ttk.Frame(self.frame)
        row.grid(row=99, column=0, columnspan=3, sticky="e", pady=(12, 0))
        ok_text = _(self.ok_text)
        self.ok_button = ttk.Button(row, text=ok_text, style="Accent.TButton", command=self.ok)
        self.cancel_button = ttk.Button(row, text=_("Cancel"), command=self.cancel)
        self.ok_button.pack(side="left", padx=(0, 8))
        self.cancel_button.pack(side="left")

    def _show(self, parent: tk.Misc) -> None:
        self.update_idletasks()
        top = parent.winfo_toplevel()
        x = top.winfo_rootx() + max(0, (top.winfo_width() - self.winfo_reqwidth()) // 2)
        y = top.winfo_rooty() + max(0, (top.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{x}+{y}")
        self.deiconify()
        with contextlib.suppress(tk.TclError):  # another window holds the grab
            self.grab_set()
        first = next(iter(self.entries.values()), self.ok_button)
        first.focus_set()

    # --- fields -------------------------------------------------------------------------

    def field(self, name: str, label: str, widget: tk.Widget, row: int) -> tk.Widget:
        """Place a labelled field with room for its error message beside it."""
        ttk.Label(self.frame, text=label).grid(row=row, column=0, sticky="w", padx=(0, 12), pady=4)
        widget.grid(row=row, column=1, sticky="ew", pady=4)
        error = ttk.Label(self.frame, foreground=ERROR_COLOUR, wraplength=260)
        error.grid(row=row, column=2, sticky="w", padx=(12, 0))
        self.entries[name], self.errors[name] = widget, error
        return widget

    def entry(self, name: str, label: str, row: int, value: str = "", **options: Any):
        """A labelled ttk.Entry holding `value`."""
        widget = ttk.Entry(self.frame, width=32, **options)
        widget.insert(0, value)
        return self.field(name, label, widget, row)

    def show_error(self, name: str, message: str) -> None:
        """Show `message` next to field `name` (or under the form if there is no such field)."""
        label = self.errors.get(name)
        if label is None:
            text = self.message.cget("text")
            self.message.configure(text=f"{text}\n{message}".strip())
        else:
            label.configure(text=message)

    def clear_errors(self) -> None:
        """Remove every message."""
        for label in self.errors.values():
            label.configure(text="")
        self.message.configure(text="")

    def checked(self, values: dict[str, tuple[object, str]]) -> dict | None:
        """Show the message of each failed check; return the values when all passed."""
        ok = True
        for field_name, (_value, problem) in values.items():
            if problem:
                self.show_error(field_name, problem)
                ok = False
        return {k: v for k, (v, _p) in values.items()} if ok else None

    # --- the buttons --------------------------------------------------------------------

    def ok(self, _event: object = None) -> None:
        """Validate; then submit to the server or close with the values."""
        if str(self.ok_button.cget("state")) == "disabled":
            return
        self.clear_errors()
        values = self.validate()
        if values is None:
            return
        if self.submit is None:
            self.done(values)
            return
        self.ok_button.state(["disabled"])
        self.submit(self, values)

    def failed(self, error: ApiError) -> None:
        """Show the server's refusal: field messages beside the fields, the rest below."""
        if not self.winfo_exists():
            return
        self.ok_button.state(["!disabled"])
        for name, problem in error.fields.items():
            self.show_error(name, problem)
        if not error.fields or not set(error.fields) & set(self.errors):
            self.show_error("", error.describe())

    def done(self, result: Any = None) -> None:
        """Close with `result`."""
        self.result = result
        self.destroy()
        if self.on_done is not None:
            self.on_done(result)

    def cancel(self, _event: object = None) -> None:
        """Close without doing anything."""
        self.destroy()

    def destroy(self) -> None:
        """Close, and let go of the Tk variables here, on the Tk thread."""
        super().destroy()
        release_variables(self)


def release_variables(owner: object) -> None:
    """Drop `owner`'s Tk variables now. Left to the cycle collector, they could be finalised on
    a network thread, and Tcl refuses calls from other threads when no mainloop runs."""
    for name, value in list(vars(owner).items()):
        if isinstance(value, tk.Variable):
            setattr(owner, name, None)


class UserDialog(Dialog):
    """Create a user (admins), or edit one: name and age; role and state for admins."""

    def __init__(self, parent, *, user: dict | None = None, admin: bool = False, **kw) -> None:
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
            self.role = tk.StringVar(self, _(ROLES.get(role, role)))
            names = [_(name) for name in ROLES.values()]
            box = ttk.Combobox(self.frame, textvariable=self.role, values=names, state="readonly")
            self.field("role", _("Role"), box, 4)
            self.active = tk.BooleanVar(self, user.get("active", True))
            check = ttk.Checkbutton(self.frame, text=_("Can sign in"), variable=self.active)
            self.field("active", _("Active"), check, 5)

    def chosen_role(self) -> str:
        """The role picked, as the server names it ("member" or "admin")."""
        shown = self.role.get()
        return next((key for key, name in ROLES.items() if _(name) == shown), shown)

    def validate(self) -> dict | None:
        checks = {
            "name": validation.name(self.entries["name"].get()),
            "age": validation.age(self.entries["age"].get()),
        }
        if self.user is None:
            checks["username"] = validation.username(self.entries["username"].get())
            checks["password"] = validation.password(self.entries["password"].get())
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

    def validate(self) -> dict | None:
        new, repeat = self.entries["password"].get(), self.entries["repeat"].get()
        checks = {
            "current_password": (self.entries["current_password"].get(), ""),
            "password": validation.password(new),
            "repeat": (repeat, "" if repeat == new else _("The two passwords differ.")),
        }
        values = self.checked(checks)
        if values is not None:
            values.pop("repeat")
        return values


class RoomDialog(Dialog):
    """Create a channel: name, topic, public or private."""

    ok_text = N_("Create")

    def create_widgets(self) -> None:
        self.entry("name", _("Name"), 0)
        self.entry("topic", _("Topic"), 1)
        self.private = tk.BooleanVar(self, False)
        check = ttk.Checkbutton(self.frame, text=_("Members only"), variable=self.private)
        self.field("private", _("Private"), check, 2)

    def validate(self) -> dict | None:
        return self.checked(
            {
                "name": validation.room_name(self.entries["name"].get()),
                "topic": (self.entries["topic"].get().strip(), ""),
                "private": (bool(self.private.get()), ""),
            }
        )


class EditMessageDialog(Dialog):
    """Change the text of one of your messages."""

    ok_text = N_("Save")

    def __init__(self, parent, text: str, **kw) -> None:
        self.text = text
        super().__init__(parent, _("Edit message"), **kw)

    def create_widgets(self) -> None:
        box = tk.Text(self.frame, width=48, height=5, wrap="word", undo=True)
        box.insert("1.0", self.text)
        self.field("message", _("Message"), box, 0)
        box.bind("<Return>", lambda _e: (self.ok(), "break")[1])
        box.bind("<Shift-Return>", lambda _e: None)

    def validate(self) -> dict | None:
        text = self.entries["message"].get("1.0", "end").strip()
        return self.checked({"message": (text, "" if text else _("The message is empty."))})


class ConfirmDialog(Dialog):
    """Ask before doing something that cannot be undone (`ok_text` marked with N_())."""

    def __init__(self, parent, title: str, question: str, ok_text: str, **kw) -> None:
        self.question, self.ok_text = question, ok_text
        super().__init__(parent, title, **kw)

    def create_widgets(self) -> None:
        ttk.Label(self.frame, text=self.question, wraplength=360).grid(row=0, column=0, sticky="w")


class ChooseDialog(Dialog):
    """Pick one item from a list, filtered as you type (rooms to join, people, Ctrl+K)."""

    def __init__(self, parent, title: str, items: list[tuple[int, str]], **kw) -> None:
        self.items, self.ok_text = items, N_("Open")
        super().__init__(parent, title, **kw)

    def create_widgets(self) -> None:
        self.query = tk.StringVar(self)
        self.query.trace_add("write", lambda *_: self.refill())
        finder = ttk.Entry(self.frame, textvariable=self.query, width=32)
        self.field("query", _("Find"), finder, 0)
        self.listing = ttk.Treeview(self.frame, show="tree", height=8, selectmode="browse")
        self.listing.grid(row=1, column=0, columnspan=3, sticky="nsew", pady=(8, 0))
        self.listing.bind("<Double-1>", self.ok)
        self.entries["query"].bind("<Down>", lambda _e: self._move(1))
        self.entries["query"].bind("<Up>", lambda _e: self._move(-1))
        self.refill()

    def refill(self) -> None:
        """Show the items whose label contains the query."""
        words = self.query.get().strip().lower()
        self.listing.delete(*self.listing.get_children())
        for item_id, label in self.items:
            if words in label.lower():
                self.listing.insert("", "end", iid=str(item_id), text=label)
        children = self.listing.get_children()
        if children:
            self.listing.selection_set(children[0])

    def _move(self, step: int) -> str:
        children = list(self.listing.get_children())
        if children:
            chosen = self.listing.selection()
            index = children.index(chosen[0]) if chosen else 0
            target = children[max(0, min(len(children) - 1, index + step))]
            self.listing.selection_set(target)
            self.listing.see(target)
        return "break"

    def validate(self) -> dict | None:
        chosen = self.listing.selection()
        if not chosen:
            self.show_error("query", _("Nothing matches."))
            return None
        return {"id": int(chosen[0])}
