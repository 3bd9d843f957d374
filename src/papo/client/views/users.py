"""The Users tab: search, page, sort, and create / edit / delete through dialogs."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from ..api import Json
from ..core import Core, Done, Failed, Job
from ..i18n import N_, Lazy, _, ngettext, number
from .dialogs import ROLES, ConfirmDialog, Dialog, PasswordDialog, UserDialog, Values
from .theme import CAPTION

COLUMNS = (
    ("id", N_("Id"), 60),
    ("username", N_("Username"), 160),
    ("name", N_("Name"), 220),
    ("age", N_("Age"), 60),
    ("role", N_("Role"), 90),
    ("active", N_("Active"), 70),
)
PER_PAGE = 25
Request = Callable[[Values, Done, Failed], Job | None]  # a dialog's values to the core
ADMIN_NOTE = N_(
    "Only admins may create, edit or delete other users. You can edit your own profile."
)


class UsersView(ttk.Frame):
    """A page of users in a Treeview, with the actions this user is allowed."""

    def __init__(self, parent: tk.Misc, core: Core) -> None:
        super().__init__(parent, padding=12)
        self.core = core
        self.page, self.pages = 1, 1
        self.items: list[Json] = []
        self.body: Json | None = None  # the last page received
        self.sort_key, self.sort_reverse = "id", False
        self.dialog: Dialog | None = None
        self.rowconfigure(1, weight=1)
        self.columnconfigure(0, weight=1)
        self.create_widgets()

    def create_widgets(self) -> None:
        """Search bar, table with scrollbar, paging row, action buttons."""
        bar = ttk.Frame(self)
        bar.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(0, 8))
        ttk.Label(bar, text=_("Search")).pack(side="left", padx=(0, 8))
        self.query = ttk.Entry(bar, width=30)
        self.query.pack(side="left")
        self.query.bind("<Return>", lambda _e: self.search())
        self.search_button = ttk.Button(bar, text=_("Search"), command=self.search)
        self.search_button.pack(side="left", padx=(8, 0))
        self.tree = ttk.Treeview(
            self, columns=[c[0] for c in COLUMNS], show="headings", selectmode="browse"
        )
        for key, heading, width in COLUMNS:
            self.tree.heading(key, text=_(heading), command=self._sorter(key))
            self.tree.column(key, width=width, anchor="w", stretch=key == "name")
        scroll = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.grid(row=1, column=0, sticky="nsew")
        scroll.grid(row=1, column=1, sticky="ns")
        self.tree.bind("<Double-1>", lambda _e: self.edit())
        self.tree.bind("<Return>", lambda _e: self.edit())
        self.tree.bind("<Delete>", lambda _e: self.delete())
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self.update_buttons())
        self._create_paging()
        self._create_actions()

    def _sorter(self, key: str) -> Callable[[], None]:
        return lambda: self.sort_by(key)

    def _create_paging(self) -> None:
        row = ttk.Frame(self)
        row.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(8, 0))
        self.prev_button = ttk.Button(row, text=_("◀ Previous"), command=lambda: self.go(-1))
        self.next_button = ttk.Button(row, text=_("Next ▶"), command=lambda: self.go(1))
        self.page_label = ttk.Label(row, text="")
        self.prev_button.pack(side="left")
        self.page_label.pack(side="left", padx=12)
        self.next_button.pack(side="left")

    def _create_actions(self) -> None:
        row = ttk.Frame(self)
        row.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(8, 0))
        self.new_button = ttk.Button(row, text=_("New user…"), command=self.create)
        self.edit_button = ttk.Button(row, text=_("Edit…"), command=self.edit)
        self.delete_button = ttk.Button(row, text=_("Delete…"), command=self.delete)
        self.profile_button = ttk.Button(row, text=_("My profile…"), command=self.edit_me)
        self.password_button = ttk.Button(row, text=_("Change password…"), command=self.password)
        for button in (self.new_button, self.edit_button, self.delete_button):
            button.pack(side="left", padx=(0, 8))
        self.password_button.pack(side="right")
        self.profile_button.pack(side="right", padx=(0, 8))
        self.note = ttk.Label(self, text="", font=CAPTION)
        self.note.grid(row=4, column=0, columnspan=2, sticky="w", pady=(8, 0))

    # --- who may do what ----------------------------------------------------------------

    @property
    def me(self) -> Json:
        """The signed-in user."""
        return self.core.state.me or {}

    @property
    def admin(self) -> bool:
        """True for administrators."""
        return self.me.get("role") == "admin"

    def selected(self) -> Json | None:
        """The user chosen in the table."""
        chosen = self.tree.selection()
        return next((u for u in self.items if str(u["id"]) == chosen[0]), None) if chosen else None

    def update_buttons(self) -> None:
        """Enable what this user may do; say why the rest is off."""
        user = self.selected()
        mine = user is not None and user["id"] == self.me.get("id")
        self.new_button.state(["!disabled"] if self.admin else ["disabled"])
        self.edit_button.state(["!disabled"] if user and (self.admin or mine) else ["disabled"])
        self.delete_button.state(["!disabled"] if user and self.admin else ["disabled"])
        self.note.configure(text="" if self.admin else _(ADMIN_NOTE))

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the current page."""
        if not self.winfo_exists():  # a request answered after a language switch
            return
        self.update_buttons()
        query = self.query.get().strip()
        self.core.find_users(
            query, self.page, PER_PAGE, then=self.show_page, failed=self.core.report
        )

    def search(self) -> None:
        """Load the first page of users matching the search text."""
        self.page = 1
        self.refresh()

    def go(self, step: int) -> None:
        """Move to the previous or next page."""
        self.page = max(1, min(self.pages, self.page + step))
        self.refresh()

    def show_page(self, body: Json) -> None:
        """Render one page from GET /users."""
        if not self.winfo_exists():
            return
        self.body, self.items = body, body["items"]
        paging = body["pagination"]
        self.pages = max(1, paging["pages"])
        self.page_label.configure(text=page_line(paging["page"], self.pages, paging["total"]))
        self.prev_button.state(["!disabled"] if self.page > 1 else ["disabled"])
        self.next_button.state(["!disabled"] if self.page < self.pages else ["disabled"])
        self._fill()

    def sort_by(self, key: str) -> None:
        """Sort the page by a column; a second click reverses the order."""
        self.sort_reverse = not self.sort_reverse if key == self.sort_key else False
        self.sort_key = key
        self._fill()

    def _fill(self) -> None:
        chosen = self.tree.selection()
        self.tree.delete(*self.tree.get_children())
        key = self.sort_key

        def order(user: Json) -> tuple[bool, Any]:
            value = user.get(key)
            return (value is None, str(value).lower() if isinstance(value, str) else value or 0)

        for user in sorted(self.items, key=order, reverse=self.sort_reverse):
            values = [cell(k, user.get(k)) for k, _h, _w in COLUMNS]
            self.tree.insert("", "end", iid=str(user["id"]), values=values)
        for key_, heading, _w in COLUMNS:
            arrow = (" ▼" if self.sort_reverse else " ▲") if key_ == key else ""
            self.tree.heading(key_, text=_(heading) + arrow)
        if chosen and self.tree.exists(chosen[0]):
            self.tree.selection_set(chosen[0])
        self.update_buttons()

    # --- actions ------------------------------------------------------------------------

    def _submit(self, request: Request) -> Callable[[Dialog, Values], None]:
        """A dialog's submit: `request(values, then, failed)` goes through the core; the
        dialog closes on success (and the page reloads) and shows a refusal."""

        def submit(dialog: Dialog, values: Values) -> None:
            def done(result: object) -> None:
                dialog.done(result)
                self.refresh()

            request(values, done, dialog.failed)

        return submit

    def create(self) -> None:
        """Open the new-user dialog (admins)."""
        if not self.admin:
            return

        def request(values: Values, then: Done, failed: Failed) -> Job | None:
            return self.core.create_user(values, then=then, failed=failed)

        self.dialog = UserDialog(self, admin=True, submit=self._submit(request))

    def edit(self, user: Json | None = None) -> None:
        """Open the edit dialog for the chosen user (admins: anyone; members: themself)."""
        user = user or self.selected()
        if user is None or not (self.admin or user["id"] == self.me.get("id")):
            return
        user_id = user["id"]

        def request(values: Values, then: Done, failed: Failed) -> Job | None:
            return self.core.update_user(user_id, values, then=then, failed=failed)

        self.dialog = UserDialog(self, user=user, admin=self.admin, submit=self._submit(request))

    def edit_me(self) -> None:
        """Edit your own profile."""
        self.edit(dict(self.me))

    def password(self) -> None:
        """Change your own password."""

        def request(values: Values, then: Done, failed: Failed) -> Job | None:
            return self.core.change_password(**values, then=then, failed=failed)

        self.dialog = PasswordDialog(
            self,
            _("Change password"),
            submit=self._submit(request),
            on_done=lambda _r: self.core.state.say(Lazy(N_("Your password was changed."))),
        )

    def delete(self) -> None:
        """Ask, then delete the chosen user (admins)."""
        user = self.selected()
        if user is None or not self.admin:
            return
        question = _("Delete %(name)s (%(username)s)? This cannot be undone.") % user
        user_id = user["id"]

        def request(_values: Values, then: Done, failed: Failed) -> Job | None:
            return self.core.delete_user(user_id, then=then, failed=failed)

        submit = self._submit(request)
        self.dialog = ConfirmDialog(self, _("Delete user"), question, N_("Delete"), submit=submit)

    # --- a change of language -----------------------------------------------------------

    def kept(self) -> Json:
        """The search, page, sort and rows, for a tab rebuilt in another language."""
        names = ("page", "sort_key", "sort_reverse", "body")
        return {"query": self.query.get(), **{name: getattr(self, name) for name in names}}

    def restore(self, kept: Json) -> None:
        """Put back what `kept()` returned and draw the page held."""
        self.query.insert(0, kept["query"])
        self.page, self.sort_key, self.sort_reverse = (
            kept["page"],
            kept["sort_key"],
            kept["sort_reverse"],
        )
        if kept["body"] is not None:
            self.show_page(kept["body"])


def cell(key: str, value: object) -> object:
    """A value as the table shows it: yes/no, the role's name, blank for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "role" and value in ROLES:
        return _(ROLES[value])
    return value


def page_line(page: int, pages: int, total: int) -> str:
    """ "Page 1 of 3 · 52 users"."""
    line = ngettext(
        "Page %(page)s of %(pages)s · %(count)s user",
        "Page %(page)s of %(pages)s · %(count)s users",
        total,
    )
    return line % {"page": number(page), "pages": number(pages), "count": number(total)}
