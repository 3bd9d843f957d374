"""Field checks the client makes before any request, worded as the server words them.

Each returns (value, "") when the text is acceptable, or (None, message) when it is not; the
message is in the active language.
"""

from __future__ import annotations

import re

from .i18n import _

USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,32}$")
ROOM_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
AGE_MIN, AGE_MAX = 0, 150
PASSWORD_MIN, PASSWORD_MAX = 8, 1024
NAME_MAX = 100

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
    text = text.strip().lower()
    if not USERNAME_RE.match(text):
        return None, _("Use 3 to 32 characters: letters a-z, digits, '_', '.' or '-'.")
    return text, ""


def name(text: str) -> Checked:
    """A display name of 1–100 characters."""
    text = text.strip()
    if not 1 <= len(text) <= NAME_MAX:
        return None, _("Use 1 to %(max)s characters.") % {"max": NAME_MAX}
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
    if not ROOM_RE.match(text):
        return None, _("Use 1 to 64 characters: a-z, digits, '_' or '-'.")
    return text, ""
