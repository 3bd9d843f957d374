"""App(tk.Tk): the root window. It drains the core's event queue with after() in bounded
batches and shows the sign-in form or the main window."""

from __future__ import annotations

import logging
import tkinter as tk
from pathlib import Path
from tkinter import ttk

from . import i18n
from .api import ApiError, Json
from .config import Prefs
from .core import Core
from .i18n import Lazy, _
from .state import Topic
from .views import theme
from .views.dialogs import release_variables
from .views.main import MainWindow
from .views.signin import SignInView

log = logging.getLogger(__name__)

SYSTEM = "system"  # the menu's value for "follow the system" (Tk reads "" as the label)
POLL_MS = 30  # how often the Tk thread looks at the queue
BATCH = 200  # events applied per look, so a flood never freezes the window


class App(tk.Tk):
    """The desktop client's one window."""

    def __init__(self, core: Core | None = None, config_dir: Path | None = None) -> None:
        super().__init__(className="Papo")
        self.core = core or Core()
        self.config_dir = config_dir
        self.prefs = Prefs.load(config_dir)
        self.core.set_language(i18n.use(i18n.choose(self.prefs.language)))
        self.title("Papo")
        self.geometry("1120x720")
        self.minsize(760, 480)
        self.theme = theme.apply(self, self.prefs.theme)
        self.dark = tk.BooleanVar(self, self.theme == "dark")
        self.language = tk.StringVar(self, self.prefs.language or SYSTEM)
        self.menubar: tk.Menu | None = None
        self.signin: SignInView | None = None
        self.backdrop: ttk.Frame | None = None
        self.main: MainWindow | None = None
        self._pending_prefs: dict[str, str] = {}
        self._create_menu()
        self.protocol("WM_DELETE_WINDOW", self.quit_app)
        self.bind_all("<Control-k>", self._switch_room)
        self.bind_all("<Control-K>", self._switch_room)
        self.show_signin()
        self._pump_job = self.after(POLL_MS, self.pump)

    def _create_menu(self) -> None:
        """The menu bar, in the active language (made again when the language changes)."""
        old, self.menubar = self.menubar, tk.Menu(self)
        papo = tk.Menu(self.menubar, tearoff=False)
        papo.add_command(label=_("Switch room…"), accelerator="Ctrl+K", command=self._switch_room)
        papo.add_checkbutton(label=_("Dark theme"), variable=self.dark, command=self.toggle_theme)
        self.language_menu = self._create_language_menu(papo)
        papo.add_cascade(label=_("Language"), menu=self.language_menu)
        papo.add_separator()
        papo.add_command(label=_("Sign out"), command=self.sign_out)
        papo.add_command(label=_("Quit"), accelerator="Ctrl+Q", command=self.quit_app)
        self.menubar.add_cascade(label="Papo", menu=papo, underline=0)
        self.papo_menu = papo
        self.configure(menu=self.menubar)
        if old is not None:
            old.destroy()
        self.bind_all("<Control-q>", lambda _e: self.quit_app())

    def _create_language_menu(self, parent: tk.Menu) -> tk.Menu:
        """System language, then each language named in itself."""
        menu = tk.Menu(parent, tearoff=False)
        choices = [(SYSTEM, _("System language")), *i18n.NAMES.items()]
        for value, label in choices:
            menu.add_radiobutton(
                label=label, value=value, variable=self.language, command=self.choose_language
            )
        return menu

    # --- the queue pump -----------------------------------------------------------------

    def pump(self) -> None:
        """Apply a bounded batch of network events, redraw what changed, and look again soon."""
        try:
            changes = self.core.pump(BATCH)
            if changes:
                self.render(changes)
        except Exception:
            log.exception("failed to apply events")
        self._pump_job = self.after(POLL_MS, self.pump)

    def render(self, changes: set[Topic]) -> None:
        """Switch screens on sign-in and sign-out; let the main window redraw the rest."""
        if ("session",) in changes:
            if self.core.signed_in and self.main is None:
                self._remember()
                self.show_main()
                return
            if not self.core.signed_in and self.main is not None:
                self.show_signin()
                return
        if ("expired",) in changes and self.main is not None:
            notice = self.core.state.said
            self.core.sign_out()
            self.show_signin(notice)
            return
        if self.main is not None:
            self.main.render(changes)

    # --- screens ------------------------------------------------------------------------

    def show_signin(self, message: str | Lazy = "") -> None:
        """Show the sign-in form (remembering the last server and username)."""
        self._clear()
        self.backdrop = ttk.Frame(self)
        self.backdrop.pack(fill="both", expand=True)
        self.signin = SignInView(
            self.backdrop,
            server=self.prefs.server,
            username=self.prefs.username,
            on_submit=self.submit,
        )
        self.signin.place(relx=0.5, rely=0.45, anchor="center")
        if message:
            self.signin.say(message)
        self.signin.focus_first()

    def show_main(self) -> None:
        """Show the main window once signed in."""
        self._clear()
        self.main = MainWindow(self, self.core)
        self.main.pack(fill="both", expand=True)
        self.main.style(self.theme)
        self.main.render_all()
        self.main.focus_composer()

    def _clear(self) -> None:
        for screen in (self.main, self.backdrop):
            if screen is not None:
                screen.destroy()
        self.main = self.signin = self.backdrop = None

    def submit(self, mode: str, values: Json) -> None:
        """Sign in or create an account off the Tk thread; the pump shows the outcome."""
        failed = self._signin_failed
        self._pending_prefs = {"server": values["server"], "username": values["username"]}
        if mode == "register":
            fields = {k: values[k] for k in ("username", "password", "name", "age")}
            self.core.register(values["server"], fields, failed=failed)
        else:
            server, username, password = values["server"], values["username"], values["password"]
            self.core.sign_in(server, username, password, failed=failed)

    def _signin_failed(self, error: ApiError) -> None:
        if self.signin is not None:  # the form on screen now, even if rebuilt meanwhile
            self.signin.failed(error)

    def _remember(self) -> None:
        self.prefs.server = self.core.state.server or self._pending_prefs.get("server", "")
        self.prefs.username = self._pending_prefs.get("username", self.prefs.username)
        self._save_prefs()

    def _save_prefs(self) -> None:
        try:
            self.prefs.save(self.config_dir)
        except OSError as exc:
            log.warning("could not save the preferences: %s", exc)

    # --- commands -----------------------------------------------------------------------

    def toggle_theme(self) -> None:
        """Switch between the light and the dark theme (remembered)."""
        self.set_theme("dark" if self.dark.get() else "light")

    def set_theme(self, name: str) -> None:
        """Use theme `name` everywhere."""
        self.theme = theme.apply(self, name)
        self.dark.set(self.theme == "dark")
        if self.main is not None:
            self.main.style(self.theme)
        self.prefs.theme = self.theme
        self._save_prefs()

    def choose_language(self) -> None:
        """Speak the language chosen in the menu (remembered)."""
        choice = self.language.get()
        self.set_language("" if choice == SYSTEM else choice)

    def set_language(self, choice: str) -> None:
        """Speak `choice` ("en", "pt_BR", or "" for the system's) and redraw the window in it,
        keeping the session, the connection and what is on screen."""
        self.language.set(choice or SYSTEM)
        self.prefs.language = choice
        self._save_prefs()
        self.core.set_language(i18n.use(choice or i18n.choose()))
        self._create_menu()
        if self.main is not None:
            kept = self.main.kept()
            self.show_main()
            self.main.restore(kept)
        elif self.signin is not None:
            kept = self.signin.kept()
            self.show_signin()
            self.signin.restore(kept)

    def _switch_room(self, _event: object = None) -> str:
        if self.main is not None:
            self.main.switch_room()
        return "break"

    def sign_out(self) -> None:
        """End the session and go back to the sign-in form."""
        if self.core.signed_in:
            self.core.sign_out()

    def quit_app(self) -> None:
        """Close the socket, stop the worker and the pump, and close the window."""
        self.after_cancel(self._pump_job)
        self.core.close()
        self.update_idletasks()
        self.destroy()
        release_variables(self)
