"""Papo's limits and patterns, in one place: the server enforces them, the client checks first.

Standard library only: the desktop client imports this module without Flask, and the REST
schemas, the Socket.IO payload checks and the services all read the same numbers.
"""

from __future__ import annotations

import re
import unicodedata

# Every id is a PostgreSQL INTEGER: a larger one cannot exist, so it is refused (or a 404)
# before it reaches a query that the database would reject.
MAX_ID = 2**31 - 1

# Accounts. A username is stored trimmed and lower-cased.
USERNAME_MIN, USERNAME_MAX = 3, 32
USERNAME_RE = re.compile(rf"^[a-z0-9_.-]{{{USERNAME_MIN},{USERNAME_MAX}}}$")
# Signing in takes any text up to this length, so that a malformed name is "wrong", not "invalid".
LOGIN_USERNAME_MAX = 200
PASSWORD_MIN, PASSWORD_MAX = 8, 1024
NAME_MIN, NAME_MAX = 1, 100  # a display name, once trimmed
AGE_MIN, AGE_MAX = 0, 150

# Rooms. A channel's name is stored trimmed and lower-cased; a direct room is named
# "dm:<id>:<id>" (at most 24 characters). A reference to a room by name (Socket.IO events)
# is refused past ROOM_NAME_MAX characters once trimmed: no room has a longer name.
ROOM_NAME_MAX = 64
ROOM_NAME_RE = re.compile(rf"^[a-z0-9][a-z0-9_-]{{0,{ROOM_NAME_MAX - 1}}}$")
TOPIC_MAX = 250

# Messages.
MESSAGE_MAX = 4000  # characters, once trimmed
CLIENT_ID_MAX = 64  # the client's id for a send, which makes it safe to retry
HISTORY_DEFAULT, HISTORY_MAX = 50, 200  # messages in one page of history
LAST_IDS_MAX = 1000  # rooms in one `resume` request

# Lists.
PAGE_MAX = 1_000_000
PER_PAGE_DEFAULT, PER_PAGE_MAX = 50, 100
SEARCH_MAX = 100  # characters of a user search


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder
# the text that follows them, so a name or a topic could show one thing and hold another.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_bidi_control(text: str) -> bool:
    """True when `text` holds a bidirectional embedding, override or isolate."""
    return not BIDI_CONTROLS.isdisjoint(text)


def visible(text: str) -> bool:
    """True when `text` has a character that shows: not a format character (Cf: zero-width
    spaces and joiners, direction marks, U+FEFF), control, separator or unassigned code point."""
    return any(unicodedata.category(char)[0] not in "CZ" for char in text)


def storable(text: str) -> bool:
    """True when `text` has no NUL and encodes as UTF-8 (PostgreSQL refuses both)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
