"""Modal forms: the base shape (base), accounts, rooms and messages (chat), and questions."""

from __future__ import annotations

from .accounts import ROLES, PasswordDialog, UserDialog
from .base import Dialog, Submit, Values, release_variables
from .chat import EditMessageDialog, RoomDialog
from .questions import ChooseDialog, ConfirmDialog

__all__ = [
    "ROLES",
    "ChooseDialog",
    "ConfirmDialog",
    "Dialog",
    "EditMessageDialog",
    "PasswordDialog",
    "RoomDialog",
    "Submit",
    "UserDialog",
    "Values",
    "release_variables",
]
