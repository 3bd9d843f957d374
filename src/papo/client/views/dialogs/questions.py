"""Dialogs that ask: a question before something that cannot be undone, a choice from a
list."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from ...i18n import N_, _
from .base import Dialog, Values


class ConfirmDialog(Dialog):
    """Ask before doing something that cannot be undone (`ok_text` marked with N_())."""

    def __init__(self, parent: tk.Misc, title: str, question: str, ok_text: str, **kw: Any) -> None:
        self.question, self.ok_text = question, ok_text
        super().__init__(parent, title, **kw)

    def create_widgets(self) -> None:
        ttk.Label(self.body, text=self.question, wraplength=360).grid(row=0, column=0, sticky="w")


class ChooseDialog(Dialog):
    """Pick one item from a list, filtered as you type (rooms to join, people, Ctrl+K)."""

    def __init__(
        self, parent: tk.Misc, title: str, items: list[tuple[int, str]], **kw: Any
    ) -> None:
        self.items, self.ok_text = items, N_("Open")
        super().__init__(parent, title, **kw)

    def create_widgets(self) -> None:
        self.query = tk.StringVar(self)
        self.query.trace_add("write", lambda *_: self.refill())
        finder = ttk.Entry(self.body, textvariable=self.query, width=32)
        self.field("query", _("Find"), finder, 0)
        self.listing = ttk.Treeview(self.body, show="tree", height=8, selectmode="browse")
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

    def validate(self) -> Values | None:
        chosen = self.listing.selection()
        if not chosen:
            self.show_error("query", _("Nothing matches."))
            return None
        return {"id": int(chosen[0])}
