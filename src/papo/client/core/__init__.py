"""The client core: one queue of events, one thread that applies them to the state.

Network threads (the REST worker, the Socket.IO link) never change the state: they `post()`
(kind, data) events. The owner of the state — the Tk thread in the app, the test itself in the
headless tests — calls `pump()`, which applies a bounded batch and returns what changed.
This is thonny's pattern; it keeps every widget on the Tk thread (no tkinter here).

The intents live in one module per subject (session, rooms, messages, users); `Core` puts
them together, and the views speak to it alone.
"""

from __future__ import annotations

from .base import Done, Failed, Job
from .messages import HISTORY_PAGE, RETRY_AFTER, RETRYABLE, TYPING_EVERY
from .session import SessionIntents
from .users import UserIntents

__all__ = [
    "HISTORY_PAGE",
    "RETRYABLE",
    "RETRY_AFTER",
    "TYPING_EVERY",
    "Core",
    "Done",
    "Failed",
    "Job",
]


class Core(SessionIntents, UserIntents):
    """Signs in, holds the state, and turns user intent into requests and events."""
