"""The state of the real-time connection, as the status bar and the message box show it."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, Lazy, _

CONNECTING, CONNECTED, RECONNECTING, OFFLINE = "connecting", "connected", "reconnecting", "offline"

LINK_WORDS = {
    CONNECTING: N_("Connecting"),
    CONNECTED: N_("Connected"),
    RECONNECTING: N_("Reconnecting…"),
    OFFLINE: N_("Offline"),
}


@dataclass
class Link:
    """The state of the real-time connection, as the status bar shows it."""

    status: str = OFFLINE
    attempts: int = 0
    reason: str | Lazy = ""  # a Lazy is worded when shown, in the language of then

    def describe(self) -> str:
        """One line for the status bar."""
        if self.status == RECONNECTING and self.attempts:
            return _("Reconnecting (attempt %(attempt)s)…") % {"attempt": self.attempts}
        if self.status == OFFLINE and self.reason:
            return _("Offline: %(reason)s") % {"reason": self.reason}
        return _(LINK_WORDS.get(self.status, self.status))
