"""The main window's content: rooms | conversation | people in a Chat tab, a Users tab, and a
status bar. It renders the state topics that changed and forwards user intent to the core."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from ..api import Json
from ..core import Core
from ..i18n import N_, Lazy, _
from ..state import CONNECTED, OFFLINE, Message, Topic
from .chat import Composer, Conversation
from .dialogs import ChooseDialog, ConfirmDialog, Dialog, EditMessageDialog, RoomDialog, Values
from .rooms import PeoplePanel, RoomList
from .theme import CAPTION
from .users import UsersView

QUEUED_NOTE = N_("Reconnecting: what you send now goes out once the link is back.")


class MainWindow(ttk.Frame):
    """Everything shown once signed in."""

    def __init__(self, parent: tk.Misc, core: Core) -> None:
        super().__init__(parent)
        self.core = core
        self.dialog: Dialog | None = None
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)
        self.tabs = ttk.Notebook(self)
        self.tabs.grid(row=0, column=0, sticky="nsew")
        self.tabs.add(self._create_chat(), text=_("Chat"), underline=0)
        self.users = UsersView(self.tabs, core)
        self.tabs.add(self.users, text=_("Users"), underline=0)
        self.tabs.enable_traversal()
        self.tabs.bind("<<NotebookTabChanged>>", self._tab_changed)
        self._create_status_bar()

    def _create_chat(self) -> ttk.Panedwindow:
        panes = ttk.Panedwindow(self.tabs, orient="horizontal")
        self.rooms = RoomList(
            panes,
            on_open=self.core.open_room,
            on_new_room=self.new_room,
            on_join=self.join_room,
            on_direct=self.direct_message,
        )
        middle = ttk.Frame(panes)
        middle.rowconfigure(0, weight=1)
        middle.columnconfigure(0, weight=1)
        self.conversation = Conversation(
            middle, on_older=self._older, on_edit=self.edit_message, on_delete=self.delete_message
        )
        self.conversation.grid(row=0, column=0, sticky="nsew")
        self.composer = Composer(middle, on_send=self._send, on_typing=self._typing)
        self.composer.grid(row=1, column=0, sticky="ew")
        self.people = PeoplePanel(panes)
        panes.add(self.rooms, weight=0)
        panes.add(middle, weight=1)
        panes.add(self.people, weight=0)
        return panes

    def _create_status_bar(self) -> None:
        bar = ttk.Frame(self, padding=(10, 4))
        bar.grid(row=1, column=0, sticky="ew")
        bar.columnconfigure(1, weight=1)
        self.link_label = ttk.Label(bar, text="", font=CAPTION)
        self.link_label.grid(row=0, column=0, sticky="w")
        self.notice_label = ttk.Label(bar, text="", font=CAPTION)
        self.notice_label.grid(row=0, column=1, sticky="w", padx=16)
        self.user_label = ttk.Label(bar, text="", font=CAPTION)
        self.user_label.grid(row=0, column=2, sticky="e")

    def style(self, theme: str) -> None:
        """Recolour the parts that sv-ttk does not style (the Text widgets)."""
        self.conversation.style(theme)
        self.composer.style(theme)

    # --- rendering ----------------------------------------------------------------------

    def render(self, changes: set[Topic]) -> None:
        """Redraw what changed."""
        state = self.core.state
        current = state.current_room
        self.conversation.me = state.my_id
        if ("rooms",) in changes:
            self.rooms.render(state)
        if ("messages", current) in changes or ("rooms",) in changes:
            self.conversation.render(state)
        if ("members", current) in changes:
            self.people.render(state)
        if ("typing", current) in changes:
            self.composer.typing.configure(text=state.typing_line(current) if current else "")
        if {("link",), ("rooms",)} & changes:
            self._render_link()
        if ("notice",) in changes:
            self.notice_label.configure(text=state.notice.replace("\n", " "))
        if ("session",) in changes:
            self._render_user()

    def render_all(self) -> None:
        """Draw everything once (on first show)."""
        current = self.core.state.current_room
        topics = {("rooms",), ("link",), ("notice",), ("session",)}
        self.render(topics | {("messages", current), ("members", current), ("typing", current)})

    def _render_link(self) -> None:
        state = self.core.state
        self.link_label.configure(text=f"● {state.link.describe()}")
        if state.current_room is None:
            self.composer.set_enabled(False, _("Choose or join a room to write."))
        elif state.link.status == CONNECTED:
            self.composer.set_enabled(True, _("Enter sends · Shift+Enter starts a new line"))
        elif state.link.status == OFFLINE:
            reason = state.link.reason or _("offline")
            self.composer.set_enabled(False, _("Disconnected: %(reason)s.") % {"reason": reason})
        else:
            self.composer.set_enabled(True, _(QUEUED_NOTE))

    def _render_user(self) -> None:
        me = self.core.state.me or {}
        who = {"name": me.get("name", ""), "username": me.get("username", "")}
        who["server"] = self.core.state.server
        if me.get("role") == "admin":
            line = _("%(name)s (@%(username)s) · admin on %(server)s") % who
        else:
            line = _("%(name)s (@%(username)s) on %(server)s") % who
        self.user_label.configure(text=line)

    def _tab_changed(self, _event: object) -> None:
        if self.tabs.select() == str(self.users):
            self.users.refresh()

    # --- intent -------------------------------------------------------------------------

    def _send(self, text: str) -> None:
        if self.core.state.current_room is not None:
            self.core.send(self.core.state.current_room, text)

    def _typing(self) -> None:
        if self.core.state.current_room is not None:
            self.core.typed(self.core.state.current_room)

    def _older(self) -> None:
        if self.core.state.current_room is not None:
            self.core.load_older(self.core.state.current_room)

    def edit_message(self, message: Message) -> None:
        """Open the edit dialog for one of your messages; it closes once the server agrees."""

        def submit(dialog: Dialog, values: Values) -> None:
            text = values["message"]
            self.core.edit_message(message.id, text, then=dialog.done, failed=dialog.failed)

        self.dialog = EditMessageDialog(self, message.text, submit=submit)

    def delete_message(self, message: Message) -> None:
        """Ask, then delete one of your messages; the question stays until the server agrees."""

        def submit(dialog: Dialog, _values: Values) -> None:
            self.core.delete_message(message.id, then=dialog.done, failed=dialog.failed)

        self.dialog = ConfirmDialog(
            self,
            _("Delete message"),
            _("Delete this message for everyone?"),
            N_("Delete"),
            submit=submit,
        )

    def new_room(self) -> None:
        """Create a channel; the dialog closes once the room exists, or says why not."""

        def submit(dialog: Dialog, values: Values) -> None:
            self.core.create_room(**values, then=dialog.done, failed=dialog.failed)

        self.dialog = RoomDialog(self, _("New room"), submit=submit)

    def join_room(self) -> None:
        """Choose a public channel to join."""
        rooms = [r for r in self.core.state.rooms.values() if not r.member]
        if not rooms:
            self.core.state.say(Lazy(N_("You are in every public room already; create a new one.")))
            self.render({("notice",)})
            return
        items = [(r.id, f"{r.title}  {r.topic}".strip()) for r in rooms]
        self.dialog = ChooseDialog(
            self,
            _("Join a room"),
            items,
            on_done=lambda v: self.core.join_room(v["id"]),
        )

    def direct_message(self) -> None:
        """Choose a person to talk to privately."""

        def chosen(page: Json) -> None:
            if not self.winfo_exists():  # answered after a language switch
                return
            me = self.core.state.my_id
            items = [
                (u["id"], f"{u['name']} (@{u['username']})") for u in page["items"] if u["id"] != me
            ]
            self.dialog = ChooseDialog(
                self, _("Message someone"), items, on_done=lambda v: self.core.open_direct(v["id"])
            )

        self.core.find_users("", 1, 100, then=chosen)

    def switch_room(self, _event: object = None) -> str:
        """Ctrl+K: jump to a room by typing part of its name."""
        items = [(r.id, r.title) for r in self.core.state.member_rooms()]
        self.tabs.select(0)
        self.dialog = ChooseDialog(
            self, _("Switch room"), items, on_done=lambda v: self.core.open_room(v["id"])
        )
        return "break"

    def focus_composer(self) -> None:
        """Put the cursor in the message box."""
        self.composer.box.focus_set()

    # --- a change of language -----------------------------------------------------------

    def kept(self) -> Json:
        """What is on screen and not in the state: the tab, the draft, the Users tab."""
        tab = self.tabs.index(self.tabs.select())
        return {"tab": tab, "draft": self.composer.draft(), "users": self.users.kept()}

    def restore(self, kept: Json) -> None:
        """Put back what `kept()` returned, in a window rebuilt in another language."""
        self.users.restore(kept["users"])
        self.tabs.select(kept["tab"])
        if str(self.composer.box.cget("state")) == "normal":
            self.composer.box.insert("1.0", kept["draft"])
