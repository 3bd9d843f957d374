"""The side panels: the rooms and direct messages with unread counts, and the room's people."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from ..api import Json
from ..i18n import _, number
from ..state import State
from .theme import CAPTION, STRONG


class RoomList(ttk.Frame):
    """Channels and direct conversations; choosing one opens it."""

    def __init__(
        self,
        parent: tk.Misc,
        *,
        on_open: Callable[[int], None],
        on_new_room: Callable[[], None],
        on_join: Callable[[], None],
        on_direct: Callable[[], None],
    ) -> None:
        super().__init__(parent, padding=(8, 8, 4, 8))
        self.on_open = on_open
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)
        self.heading = ttk.Label(self, text=_("Rooms"), font=STRONG)
        self.heading.grid(row=0, column=0, sticky="w", pady=(0, 6))
        self.tree = ttk.Treeview(self, show="tree", selectmode="browse", columns=("unread",))
        self.tree.column("#0", width=150, stretch=True)
        self.tree.column("unread", width=36, anchor="e", stretch=False)
        self.tree.grid(row=1, column=0, sticky="nsew")
        self.tree.insert("", "end", iid="channels", text=_("Channels"), open=True)
        self.tree.insert("", "end", iid="direct", text=_("Direct messages"), open=True)
        self.tree.tag_configure("unread", font=STRONG)
        self.tree.bind("<<TreeviewSelect>>", self._selected)
        buttons = ttk.Frame(self)
        buttons.grid(row=2, column=0, sticky="ew", pady=(8, 0))
        self.new_button = ttk.Button(buttons, text=_("New room"), command=on_new_room)
        self.join_button = ttk.Button(buttons, text=_("Join…"), command=on_join)
        self.direct_button = ttk.Button(buttons, text=_("Message…"), command=on_direct)
        for column, button in enumerate((self.new_button, self.join_button, self.direct_button)):
            button.grid(row=0, column=column, sticky="ew", padx=(0 if column == 0 else 4, 0))
            buttons.columnconfigure(column, weight=1)
        self._rendering = False
        self.current: int | None = None

    def render(self, state: State) -> None:
        """Redraw the list from the state, keeping the current room selected."""
        self._rendering = True
        try:
            for group in ("channels", "direct"):
                self.tree.delete(*self.tree.get_children(group))
            for room in state.member_rooms():
                group = "direct" if room.is_direct else "channels"
                unread = str(room.unread) if room.unread else ""
                tags = ("unread",) if room.unread else ()
                self.tree.insert(
                    group, "end", iid=str(room.id), text=room.title, values=(unread,), tags=tags
                )
            self.current = state.current_room
            if self.current is not None and self.tree.exists(str(self.current)):
                self.tree.selection_set(str(self.current))
                self.tree.see(str(self.current))
        finally:
            self._rendering = False

    def _selected(self, _event: object) -> None:
        if self._rendering:
            return
        # Redrawing selects the current room again; only a different choice opens a room.
        chosen = self.tree.selection()
        if chosen and chosen[0].isdigit() and int(chosen[0]) != self.current:
            self.on_open(int(chosen[0]))


class PeoplePanel(ttk.Frame):
    """The members of the room on screen, online first."""

    def __init__(self, parent: tk.Misc) -> None:
        super().__init__(parent, padding=(4, 8, 8, 8))
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)
        self.title = ttk.Label(self, text=_("People"), font=STRONG)
        self.title.grid(row=0, column=0, sticky="w", pady=(0, 6))
        self.tree = ttk.Treeview(self, show="tree", selectmode="none")
        self.tree.column("#0", width=190)
        self.tree.grid(row=1, column=0, sticky="nsew")
        self.tree.tag_configure("offline", foreground="#8a8a8a")
        self.note = ttk.Label(self, text="", font=CAPTION)
        self.note.grid(row=2, column=0, sticky="w", pady=(6, 0))

    def render(self, state: State) -> None:
        """Show the members of the current room and who of them is online."""
        self.tree.delete(*self.tree.get_children())
        current = state.current_room
        members = state.members.get(current, []) if current is not None else []
        ordered = sorted(members, key=lambda m: (m["id"] not in state.online, m["name"].lower()))
        for member in ordered:
            online = member["id"] in state.online
            mark = "●" if online else "○"
            self.tree.insert(
                "",
                "end",
                iid=str(member["id"]),
                text=f"{mark}  {person(member, you=member['id'] == state.my_id)}",
                tags=() if online else ("offline",),
            )
        here = sum(1 for m in members if m["id"] in state.online)
        self.title.configure(text=_("People (%(count)s)") % {"count": number(len(members))})
        self.note.configure(text=_("%(count)s online") % {"count": number(here)} if members else "")


def person(member: Json, *, you: bool) -> str:
    """ "Ana (admin) — you": a member's name with their role and whether it is you."""
    admin = member.get("role") == "admin"
    if admin and you:
        return _("%(name)s (admin) — you") % member
    if admin:
        return _("%(name)s (admin)") % member
    return _("%(name)s — you") % member if you else member["name"]
