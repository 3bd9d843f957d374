"""Driving real windows: pump the Tk loop until a condition holds; screenshots."""

from __future__ import annotations

import os
import time
import tkinter as tk
from collections.abc import Callable
from pathlib import Path

from PIL import ImageGrab

from support.waiting import wait_until

WAIT = 20.0


def pump_until(app: tk.Misc | list[tk.Misc], condition: Callable[[], object], what: str = ""):
    """Run the Tk loop(s) with update() until `condition()` holds; fail after a bounded wait."""
    apps = app if isinstance(app, list) else [app]

    def pumped() -> object:
        for each in apps:
            each.update()
        return condition()

    return wait_until(pumped, WAIT, what or str(condition), step=0.01)


def settle(app: tk.Misc, seconds: float = 0.3) -> None:
    """Let the window draw itself (for screenshots only, never for assertions)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.update()
        time.sleep(0.01)


def screenshot(window: tk.Misc, path: Path) -> Path:
    """Save what `window` shows on the X display as a PNG."""
    window.lift()
    settle(window)
    x, y = window.winfo_rootx(), window.winfo_rooty()
    box = (x, y, x + window.winfo_width(), y + window.winfo_height())
    image = ImageGrab.grab(bbox=box, xdisplay=os.environ["DISPLAY"])
    image.save(path)
    return path


def fill(entry, text: str) -> None:
    """Replace an entry's text."""
    entry.delete(0, "end")
    entry.insert(0, text)


def menu_index(menu: tk.Menu, label: str) -> int:
    """The index of the menu entry labelled `label`."""
    for index in range(menu.index("end") + 1):
        if menu.type(index) != "separator" and menu.entrycget(index, "label") == label:
            return index
    raise AssertionError(f"no menu entry {label!r}")


def sign_in(app, url: str, username: str, password: str) -> None:
    """Fill the sign-in form, press the button, and wait for a connected main window."""
    form = app.signin
    for entry, text in ((form.server, url), (form.username, username), (form.password, password)):
        entry.delete(0, "end")
        entry.insert(0, text)
    form.submit_button.invoke()
    pump_until(app, lambda: app.main is not None, "the main window")
    pump_until(app, lambda: app.core.state.link.status == "connected", "the link")
    pump_until(app, lambda: app.core.state.current_room is not None, "a room on screen")


def shown_lines(conversation) -> list[str]:
    """The lines the conversation's text widget shows, as a reader sees them."""
    return conversation.text.get("1.0", "end").splitlines()


def tree_texts(tree) -> list[str]:
    """The text of each top-level row of a Treeview (the people panel)."""
    return [tree.item(iid, "text") for iid in tree.get_children()]


def row(view, user_id: int) -> dict:
    """The cells of a user's row in the Users table, by column."""
    columns = view.tree.cget("columns")
    return dict(zip(columns, view.tree.item(str(user_id), "values"), strict=True))
