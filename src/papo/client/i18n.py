"""The client's language: which one, its catalog, and dates and numbers in it (no tkinter).

Strings are written in English and wrapped in `_()` (or marked with `N_()` where they are
defined and translated where they are shown). Babel extracts them into
`src/papo/locale/papo_client.pot`; `<locale>/LC_MESSAGES/papo_client.po` translates them and
`make` compiles it to `.mo`. English needs no catalog: it is the text in the code.

The language is process-wide, as with `gettext.install`: the client has one window and one
person in front of it. `use()` switches it; whatever is drawn afterwards is in the new one.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "papo_client"
DEFAULT = "en"
SUPPORTED = ("en", "pt_BR")
# Each language named in itself, so that anyone can find their own in the menu.
NAMES = {"en": "English", "pt_BR": "Português (Brasil)"}
ENV = "PAPO_LANG"
SYSTEM_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@dataclass
class _Active:
    locale: str = DEFAULT
    catalog: NullTranslations = field(default_factory=NullTranslations)


_active = _Active()


def N_(message: str) -> str:
    """Mark `message` for extraction; `_()` translates it where it is shown."""
    return message


def gettext(message: str) -> str:
    """`message` in the active language."""
    return _active.catalog.gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the active language."""
    return _active.catalog.ngettext(singular, plural, count)


def current() -> str:
    """The active locale: "en" or "pt_BR"."""
    return _active.locale


def use(locale: str) -> str:
    """Speak `locale` (negotiated to a supported one) from now on; return the one in use."""
    locale = negotiate(locale)
    _active.locale, _active.catalog = locale, catalog(locale)
    return locale


@functools.cache
def catalog(locale: str) -> NullTranslations:
    """The compiled catalog of `locale` (English: the messages as written)."""
    if locale == DEFAULT:
        return NullTranslations()
    found = Translations.load(str(LOCALE_DIR), [locale], domain=DOMAIN)
    if not isinstance(found, Translations):
        log.warning("no compiled %s catalog for %s: run `make install`", DOMAIN, locale)
    return found


# --- choosing the language ------------------------------------------------------------


def negotiate(preference: str | None) -> str:
    """The supported locale for a tag such as pt-BR, pt_BR.UTF-8, pt or en_GB; else English."""
    return _supported(preference or "") or DEFAULT


def _supported(tag: str) -> str | None:
    tag = tag.split(".")[0].split("@")[0].strip().replace("-", "_")
    language = tag.split("_")[0].lower()
    for locale in SUPPORTED:
        if tag.lower() == locale.lower():
            return locale
    # Another region of a language we have counts: pt_PT reads pt_BR better than English.
    return next((loc for loc in SUPPORTED if language and loc.split("_")[0] == language), None)


def system_preferences(environ: Mapping[str, str] | None = None) -> list[str]:
    """The operating system's languages, best first: the first of LANGUAGE (a colon list),
    LC_ALL, LC_MESSAGES and LANG that is set; on Windows, the user's display language."""
    environ = os.environ if environ is None else environ
    for name in SYSTEM_VARIABLES:
        if environ.get(name):
            return [tag for tag in environ[name].split(":") if tag]
    return [tag for tag in (_windows_language(),) if tag]


def _windows_language() -> str | None:
    if sys.platform != "win32":
        return None
    import ctypes
    import locale

    return locale.windows_locale.get(ctypes.windll.kernel32.GetUserDefaultUILanguage())


def choose(saved: str = "", environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: $PAPO_LANG, else the one chosen in the menu (`saved`), else the
    system's; values we do not speak are passed over; English when nothing fits."""
    environ = os.environ if environ is None else environ
    candidates = [environ.get(ENV, ""), saved, *system_preferences(environ)]
    return next((found for tag in candidates if (found := _supported(tag))), DEFAULT)


def http_tag(locale: str | None = None) -> str:
    """The locale as Accept-Language and Socket.IO's `lang` write it: "pt-BR" or "en"."""
    return (locale or current()).replace("_", "-")


# --- words worked out when shown --------------------------------------------------------


class Lazy:
    """A text put into words when shown, so that it follows a change of language.

    `Lazy(N_("Signed out."))` translates its message; `Lazy(error.describe)` calls a function.
    """

    def __init__(self, message: str | Callable[[], str], **params: object) -> None:
        self.message, self.params = message, params

    def __str__(self) -> str:
        if callable(self.message):
            return self.message()
        text = gettext(self.message)
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"Lazy({self.message!r})"

    def __bool__(self) -> bool:
        return bool(self.message)


# --- dates and numbers ----------------------------------------------------------------


def time_label(moment: datetime) -> str:
    """The local time of `moment` as the active language writes it: "14:02", "2:02 PM"."""
    return format_time(moment.astimezone(), format="short", locale=current())


def day_label(moment: datetime, today: datetime | None = None) -> str:
    """ "Today", "Yesterday" or the full date ("Tuesday, November 24, 2026")."""
    day, today_ = moment.astimezone().date(), (today or datetime.now()).astimezone().date()
    if day == today_:
        return _("Today")
    if day == today_ - timedelta(days=1):
        return _("Yesterday")
    return format_date(day, format="full", locale=current())


def number(value: int) -> str:
    """A whole number as the active language writes it: 12,345 or 12.345."""
    return format_decimal(value, locale=current())
