"""Server-side translation of error messages: English in the code, catalogs for the rest.

Messages are written in English and marked with `N_` (or given to `ApiError`), extracted
with Babel into `src/papo/locale/papo.pot`, translated in `<lang>/LC_MESSAGES/papo.po`,
and compiled to `.mo` by `make`. The machine-readable `code` of an error never changes.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "papo"
DEFAULT = "en"
SUPPORTED = ("en", "pt_BR")


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated later, where the reader is known."""
    return message


@functools.cache
def translations(locale: str) -> NullTranslations:
    """Return the compiled catalog for `locale` (English: the messages as written)."""
    if locale == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain=DOMAIN)


def negotiate(preferences: list[str] | str | None) -> str:
    """Pick the supported locale for `pt-BR`, `pt`, `pt_BR`, an Accept-Language list (best
    first), or nothing (English). A language we have in another region counts: pt-PT gets
    pt_BR rather than English."""
    if isinstance(preferences, str):
        preferences = [preferences]
    if not isinstance(preferences, list):
        return DEFAULT
    for preference in preferences:
        if not isinstance(preference, str):
            continue
        tag = preference.strip().replace("-", "_")
        language = tag.split("_")[0].lower()
        for locale in SUPPORTED:
            if tag.lower() == locale.lower() or language == locale.split("_")[0]:
                return locale
    return DEFAULT


def translate(message: str, locale: str, **params: object) -> str:
    """Translate `message` into `locale` and fill in its `%(name)s` parameters."""
    text = translations(locale).gettext(message) if message else message
    return text % params if params else text


def request_locale() -> str:
    """The locale of the current HTTP request, from its Accept-Language header."""
    from flask import has_request_context, request

    if not has_request_context():
        return DEFAULT
    values = [lang for lang, _quality in request.accept_languages]
    return negotiate(values)


# Marshmallow's own messages, so that validation errors are translated too.
VALIDATION_MESSAGES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Not a valid integer."),
    N_("Not a valid string."),
    N_("Not a valid boolean."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Invalid value."),
)
