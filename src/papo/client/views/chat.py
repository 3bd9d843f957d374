"""The conversation: messages grouped by day, a "new messages" marker, older history on
demand, a context menu on your own messages; and the message box under it."""

from __future__ import annotations

import re
import tkinter as tk
import webbrowser
from collections.abc import Callable
from datetime import date, timedelta
from tkinter import ttk

from ..i18n import _, day_label, time_label
from ..state import Message, Room, State
from .theme import BODY, CAPTION, STRONG, TITLE, colours

LINK_RE = re.compile(r"https?://[^\s<>\"']+")
GROUP_WITHIN = timedelta(minutes=5)


def _day(message: Message) -> date:
    """The day of a message where the reader is."""
    return message.created_at.astimezone().date()


class Conversation(ttk.Frame):
    """The messages of the room on screen, read-only, wrapped, links clickable."""

    def __init__(
        self,
        parent: tk.Misc,
        *,
        on_older: Callable[[], None],
        on_edit: Callable[[Message], None],
        on_delete: Callable[[Message], None],
    ) -> None:
        super().__init__(parent, padding=(4, 8, 4, 0))
        self.on_older, self.on_edit, self.on_delete = on_older, on_edit, on_delete
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)
        self.title = ttk.Label(self, text="", font=TITLE)
        self.title.grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 4))
        self.text = tk.Text(
            self, wrap="word", state="disabled", relief="flat", padx=12, pady=8, cursor="arrow"
        )
        self.text.configure(font=BODY, spacing1=2, spacing3=2, borderwidth=0, highlightthickness=0)
        scroll = ttk.Scrollbar(self, orient="vertical", command=self.text.yview)
        self.text.configure(yscrollcommand=lambda *view: self._scrolled(scroll, *view))
        self.text.grid(row=1, column=0, sticky="nsew")
        scroll.grid(row=1, column=1, sticky="ns")
        self.messages: dict[int, Message] = {}
        self.room_id: int | None = None
        self.more_before = False
        self.menu = tk.Menu(self, tearoff=False)
        self.text.bind("<Button-3>", self._context_menu)
        self.text.bind("<Control-Button-1>", self._context_menu)
        self._links: dict[str, str] = {}

    def style(self, theme: str) -> None:
        """Colour the text and its tags for `theme`."""
        c = colours(theme)
        self.text.configure(background=c["text_bg"], foreground=c["text_fg"])
        self.text.configure(insertbackground=c["text_fg"], selectbackground=c["accent"])
        self.text.tag_configure("author", font=STRONG)
        self.text.tag_configure("own_author", font=STRONG, foreground=c["accent"])
        self.text.tag_configure("time", font=CAPTION, foreground=c["muted"])
        self.text.tag_configure("own", background=c["own_bg"], lmargin1=8, lmargin2=8)
        self.text.tag_configure("day", font=CAPTION, foreground=c["muted"], justify="center")
        self.text.tag_configure("marker", font=CAPTION, foreground=c["marker"], justify="center")
        self.text.tag_configure("muted", foreground=c["muted"])
        self.text.tag_configure("failed", foreground=c["marker"])
        self.text.tag_configure("older", foreground=c["link"], justify="center", font=CAPTION)
        self.text.tag_configure("link", foreground=c["link"], underline=True)
        self.text.tag_bind("link", "<Button-1>", self._open_link)
        self.text.tag_bind("older", "<Button-1>", lambda _e: self.on_older())
        for tag in ("link", "older"):
            self.text.tag_bind(tag, "<Enter>", lambda _e: self.text.configure(cursor="hand2"))
            self.text.tag_bind(tag, "<Leave>", lambda _e: self.text.configure(cursor="arrow"))

    # --- rendering ----------------------------------------------------------------------

    def render(self, state: State) -> None:
        """Redraw the room on screen, keeping the reader's place."""
        room = state.rooms.get(state.current_room) if state.current_room is not None else None
        switched = self.room_id != state.current_room
        self.room_id = state.current_room
        self.title.configure(text=self._heading(room))
        at_bottom = switched or self.text.yview()[1] >= 0.999
        anchor = None if at_bottom else self._top_message()
        log = state.log(room.id) if room else None
        self.more_before = bool(log and log.more_before and log.loaded)
        messages = log.ordered() if log else []
        self._fill(messages, state.my_id, state.marker.get(self.room_id or 0, 0))
        if at_bottom:
            self.text.see("end")
        elif anchor is not None and self.text.tag_ranges(f"m{anchor}"):
            self.text.yview(self.text.tag_ranges(f"m{anchor}")[0])

    def _heading(self, room: Room | None) -> str:
        if room is None:
            return _("No room open")
        return f"{room.title}  —  {room.topic}" if room.topic else room.title

    def _fill(self, messages: list[Message], me: int | None, marker: int) -> None:
        text = self.text
        text.configure(state="normal")
        text.delete("1.0", "end")
        self.messages = {m.id: m for m in messages}
        self._links.clear()
        if self.more_before:
            text.insert("end", _("▲ Load older messages") + "\n", ("older",))
        previous: Message | None = None
        marked = False
        for message in messages:
            if previous is None or _day(message) != _day(previous):
                text.insert("end", f"— {day_label(message.created_at)} —\n", ("day",))
                previous = None
            if not marked and marker and message.id > marker and message.author_id != me:
                text.insert("end", "──── " + _("new messages") + " ────\n", ("marker",))
                marked, previous = True, None
            self._insert(message, me, grouped=self._grouped(previous, message))
            previous = message
        if not messages:
            text.insert("end", _("No messages yet. Say hello!") + "\n", ("muted",))
        text.configure(state="disabled")

    @staticmethod
    def _grouped(previous: Message | None, message: Message) -> bool:
        return (
            previous is not None
            and previous.author_id == message.author_id
            and message.created_at - previous.created_at < GROUP_WITHIN
        )

    def _insert(self, message: Message, me: int | None, *, grouped: bool) -> None:
        own = message.author_id is not None and message.author_id == me
        base = (f"m{message.id}",) + (("own",) if own else ())
        if not grouped:
            author = "own_author" if own else "author"
            self.text.insert("end", message.author_name, (author, *base))
            stamp = time_label(message.created_at)
            edited = "  " + _("(edited)") if message.edited_at and not message.deleted else ""
            self.text.insert("end", f"  {stamp}{edited}\n", ("time", *base))
        if message.deleted:
            self.text.insert("end", _("This message was deleted.") + "\n", ("muted", *base))
            return
        self._insert_text(message.text, base)
        if message.pending:
            failed = _("Not sent: %(reason)s") % {"reason": message.failed}
            note = failed if message.failed else _("Sending…")
            self.text.insert("end", f"{note}\n", ("failed" if message.failed else "time", *base))

    def _insert_text(self, body: str, tags: tuple[str, ...]) -> None:
        """Insert the text with its links tagged so that a click opens them."""
        start = 0
        for found in LINK_RE.finditer(body):
            self.text.insert("end", body[start : found.start()], tags)
            name = f"link{len(self._links)}"
            self._links[name] = found.group()
            self.text.insert("end", found.group(), ("link", name, *tags))
            start = found.end()
        self.text.insert("end", body[start:] + "\n", tags)

    def _top_message(self) -> int | None:
        for tag in self.text.tag_names("@0,0"):
            if tag.startswith("m") and tag[1:].lstrip("-").isdigit():
                return int(tag[1:])
        return None

    def _scrolled(self, scroll: ttk.Scrollbar, first: float | str, last: float | str) -> None:
        scroll.set(first, last)
        if float(first) <= 0.0 and float(last) < 1.0 and self.more_before:
            self.on_older()

    # --- interaction --------------------------------------------------------------------

    def message_at(self, index: str) -> Message | None:
        """The message shown at a text index."""
        for tag in self.text.tag_names(index):
            if tag.startswith("m") and tag[1:].lstrip("-").isdigit():
                return self.messages.get(int(tag[1:]))
        return None

    def _context_menu(self, event: tk.Event[tk.Text]) -> str:
        message = self.message_at(f"@{event.x},{event.y}")
        self.menu.delete(0, "end")
        if message is None or message.pending or message.deleted:
            return "break"
        self.menu.add_command(label=_("Copy text"), command=lambda: self._copy(message.text))
        if self.is_own(message):
            self.menu.add_command(label=_("Edit…"), command=lambda: self.on_edit(message))
            self.menu.add_command(label=_("Delete…"), command=lambda: self.on_delete(message))
        self.menu.tk_popup(event.x_root, event.y_root)
        return "break"

    def is_own(self, message: Message) -> bool:
        """True when the signed-in user wrote `message` (set by the window)."""
        return message.author_id is not None and message.author_id == self.me

    me: int | None = None

    def _copy(self, text: str) -> None:
        self.clipboard_clear()
        self.clipboard_append(text)

    def _open_link(self, event: tk.Event[tk.Text]) -> None:
        for tag in self.text.tag_names(f"@{event.x},{event.y}"):
            if tag in self._links:
                webbrowser.open(self._links[tag])
                return


class Composer(ttk.Frame):
    """The message box: Enter sends, Shift+Enter breaks the line; off while disconnected."""

    def __init__(
        self, parent: tk.Misc, *, on_send: Callable[[str], None], on_typing: Callable[[], None]
    ) -> None:
        super().__init__(parent, padding=(4, 0, 4, 8))
        self.on_send, self.on_typing = on_send, on_typing
        self.columnconfigure(0, weight=1)
        self.typing = ttk.Label(self, text="", font=CAPTION)
        self.typing.grid(row=0, column=0, columnspan=2, sticky="w", pady=(2, 2))
        self.box = tk.Text(self, height=3, wrap="word", undo=True, font=BODY)
        self.box.configure(relief="flat", borderwidth=0, padx=8, pady=6, highlightthickness=1)
        self.box.grid(row=1, column=0, sticky="ew")
        self.send_button = ttk.Button(
            self, text=_("Send"), style="Accent.TButton", command=self.send_text
        )
        self.send_button.grid(row=1, column=1, sticky="ns", padx=(8, 0))
        self.note = ttk.Label(self, text="", font=CAPTION)
        self.note.grid(row=2, column=0, columnspan=2, sticky="w", pady=(4, 0))
        self.box.bind("<Return>", self._enter)
        self.box.bind("<Shift-Return>", lambda _e: None)  # the Text class inserts the newline
        self.box.bind("<KeyRelease>", self._key)

    def style(self, theme: str) -> None:
        """Colour the box for `theme`."""
        c = colours(theme)
        self.box.configure(background=c["text_bg"], foreground=c["text_fg"])
        self.box.configure(insertbackground=c["text_fg"], highlightcolor=c["accent"])
        self.box.configure(highlightbackground=c["muted"])

    def _enter(self, _event: tk.Event[tk.Text]) -> str:
        self.send_text()
        return "break"

    def _key(self, event: tk.Event[tk.Text]) -> None:
        if event.char and event.char.isprintable() and self.box.get("1.0", "end-1c").strip():
            self.on_typing()

    def send_text(self) -> None:
        """Send the text in the box and empty it (not `send`: that is Tk's own send())."""
        if str(self.box.cget("state")) == "disabled":
            return
        text = self.box.get("1.0", "end-1c").strip()
        if text:
            self.on_send(text)
            self.box.delete("1.0", "end")

    def draft(self) -> str:
        """What is typed in the box and not sent yet."""
        return self.box.get("1.0", "end-1c")

    def set_enabled(self, enabled: bool, note: str = "") -> None:
        """Turn the box on or off; `note` says why (or what happens to what you send)."""
        self.box.configure(state="normal" if enabled else "disabled")
        self.send_button.state(["!disabled"] if enabled else ["disabled"])
        self.note.configure(text=note)
