"""Field checks the client makes before any request, worded as the server words them, with
the server's own limits and patterns (papo.rules).

Each returns (value, "") when the text is acceptable, or (None, message) when it is not; the
message is in the active language.
"""

from __future__ import annotations

import re

from ..rules import (
    AGE_MAX,
    AGE_MIN,
    NAME_MAX,
    NAME_MIN,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROOM_NAME_RE,
    USERNAME_RE,
    has_bidi_control,
    visible,
)
from .i18n import _

Checked = tuple[object, str]


def age(text: str) -> Checked:
    """Blank (no age) or a whole number from 0 to 150."""
    text = text.strip()
    if not text:
        return None, ""
    if not re.fullmatch(r"\d+", text) or not AGE_MIN <= int(text) <= AGE_MAX:
        return None, _("Age must be a whole number from %(min)s to %(max)s.") % {
            "min": AGE_MIN,
            "max": AGE_MAX,
        }
    return int(text), ""


def username(text: str) -> Checked:
    """3–32 of a-z 0-9 _ . - (lower-cased)."""
    text = text.strip()
    text = text.lower() if text.isascii() else text  # as the server: "\u212a" is no "k"
    if not USERNAME_RE.match(text):
        return None, _("Use 3 to 32 characters: letters a-z, digits, '_', '.' or '-'.")
    return text, ""


def name(text: str) -> Checked:
    """A display name of 1–100 characters, one visible, no text-direction control."""
    text = text.strip()
    if not NAME_MIN <= len(text) <= NAME_MAX:
        return None, _("Use 1 to %(max)s characters.") % {"max": NAME_MAX}
    if has_bidi_control(text):
        return None, _("Remove the text-direction control characters.")
    if not visible(text):
        return None, _("Use at least one visible character.")
    return text, ""


def password(text: str) -> Checked:
    """8 to 1024 characters."""
    if not PASSWORD_MIN <= len(text) <= PASSWORD_MAX:
        return None, _("Use %(min)s to %(max)s characters.") % {
            "min": PASSWORD_MIN,
            "max": PASSWORD_MAX,
        }
    return text, ""


def room_name(text: str) -> Checked:
    """1–64 of a-z 0-9 _ - starting with a letter or digit (lower-cased)."""
    text = text.strip().lower()
    if not ROOM_NAME_RE.match(text):
        return None, _("Use 1 to 64 characters: a-z, digits, '_' or '-'.")
    return text, ""
