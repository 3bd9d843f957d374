"""Modal forms in idlelib's query.py shape: create_widgets(), validate() → values or None with
the messages shown next to the fields, and fixed ok() / cancel().

A dialog that needs the server gets `submit(dialog, values)`; the caller runs the request off
the Tk thread and answers with dialog.done(result) or dialog.failed(error): the dialog stays
open until then, so the window stays responsive and shows the server's refusal (field
messages where they belong) with what was typed still there.

The form's frame is `body`: `frame` is Tk's own wm frame() and must not be shadowed.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from ...api import ApiError
from ...i18n import N_, _

Values = dict[str, Any]
Submit = Callable[["Dialog", Values], None]
Field = ttk.Entry | tk.Text | ttk.Combobox | ttk.Checkbutton
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
        self.submit, self.on_done = submit, on_done
        self.result: Any = None
        self.entries: dict[str, Field] = {}
        self.errors: dict[str, ttk.Label] = {}
        self.body = ttk.Frame(self, padding=16)
        self.body.grid(sticky="nsew")
        self.body.columnconfigure(1, weight=1)
        self.create_widgets()
        self._create_buttons()
        self.bind("<Return>", self.ok)
        self.bind("<Escape>", self.cancel)
        self.protocol("WM_DELETE_WINDOW", self.cancel)
        self._show(parent)

    def create_widgets(self) -> None:
        """Add the fields (subclasses)."""

    def validate(self) -> Values | None:
        """Return the values, or None after showing what is wrong (subclasses)."""
        return {}

    def _create_buttons(self) -> None:
        self.message = ttk.Label(self.body, foreground=ERROR_COLOUR, wraplength=360)
        self.message.grid(row=98, column=0, columnspan=3, sticky="w", pady=(8, 0))
        row = ttk.Frame(self.body)
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

    def field(self, name: str, label: str, widget: Field, row: int) -> Field:
        """Place a labelled field with room for its error message beside it."""
        ttk.Label(self.body, text=label).grid(row=row, column=0, sticky="w", padx=(0, 12), pady=4)
        widget.grid(row=row, column=1, sticky="ew", pady=4)
        error = ttk.Label(self.body, foreground=ERROR_COLOUR, wraplength=260)
        error.grid(row=row, column=2, sticky="w", padx=(12, 0))
        self.entries[name], self.errors[name] = widget, error
        return widget

    def entry(self, name: str, label: str, row: int, value: str = "", **options: Any) -> ttk.Entry:
        """A labelled ttk.Entry holding `value`."""
        widget = ttk.Entry(self.body, width=32, **options)
        widget.insert(0, value)
        self.field(name, label, widget, row)
        return widget

    def typed(self, name: str) -> str:
        """What is typed in field `name` (an entry or a text box)."""
        widget = self.entries[name]
        if isinstance(widget, tk.Text):
            return widget.get("1.0", "end")
        if isinstance(widget, ttk.Entry):  # a Combobox is an Entry too
            return widget.get()
        raise TypeError(f"field {name!r} holds no text")

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

    def checked(self, values: dict[str, tuple[object, str]]) -> Values | None:
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
