"""Failed requests as ApiError, and what the client says for them (no tkinter).

The server already words its errors in the language the client asked for (Accept-Language,
`lang` at connect). For the codes the client handles itself, and for failures that never
reached a server, the words come from ERROR_TEXTS, in the language active when shown.
"""

from __future__ import annotations

from typing import Any

from ..error_codes import ERRORS, GENERIC
from .i18n import N_, _, ngettext

# The code of an answer that came without Papo's error body (from a proxy, say): the generic
# one of its status, from the server's table; but a bare 500 says nothing of whether a retry
# is safe, so it stays "error" rather than the retried "internal_error".
FALLBACK_CODES = {status: error.code for status, error in GENERIC.items() if status != 500}
# Filled in with the error's `params` and %(detail)s (its message); a `reason` param is added
# in brackets, and the wait from Retry-After as a sentence. Three are the server's table's
# (error_codes.py); the rest are worded for the person at this end.
_AS_THE_SERVER_SAYS = ("invalid_credentials", "login_throttled", "signup_closed")
ERROR_TEXTS = {
    "unreachable": N_(
        "Cannot reach the server at %(server)s: is it running, and is the address right?"
    ),
    **{code: ERRORS[code].sentence for code in _AS_THE_SERVER_SAYS},
    "token_expired": N_("Your session has expired; sign in again."),
    "not_connected": N_("The connection to the server is down."),
    "timeout": N_("The server did not answer in time."),
    "client_error": N_("Client error: %(detail)s"),
}
# Field names as the error lines show them ("age: …").
FIELD_NAMES = {
    "username": N_("username"),
    "password": N_("password"),
    "current_password": N_("current password"),
    "name": N_("name"),
    "age": N_("age"),
    "role": N_("role"),
    "active": N_("active"),
    "message": N_("message"),
    "topic": N_("topic"),
}


class ApiError(Exception):
    """A failed request: the server's {code, message, fields}, its status and Retry-After."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        *,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
        **params: object,
    ) -> None:
        super().__init__(message or code)
        self.status, self.code, self.message = status, code, message
        self.fields = dict(fields or {})
        self.retry_after = retry_after
        self.params = params

    @property
    def unreachable(self) -> bool:
        """True when no answer came back at all."""
        return self.status == 0 and self.code == "unreachable"

    def text(self) -> str:
        """The sentence for people: the client's for the codes it knows, else the server's."""
        known = ERROR_TEXTS.get(self.code)
        if known is None:
            return self.message or _("The server answered %(status)s.") % {"status": self.status}
        text = _(known) % {"detail": self.message, **self.params}
        reason = self.params.get("reason")
        return f"{text} ({reason})" if reason else text

    def describe(self) -> str:
        """Say what went wrong in words, with the wait and the field messages if any."""
        text = self.text()
        if self.retry_after and str(self.retry_after) not in text:
            text += " " + wait(self.retry_after)
        for name, problem in self.fields.items():
            if problem not in text:
                text += f"\n{field_name(name)}: {problem}"
        return text

    @classmethod
    def from_body(cls, status: int, body: Any, retry_after: int | None = None) -> ApiError:
        """Build the error from {"error": {...}} (HTTP) or an ack's {"error": {...}}."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            error = {}
        code = str(error.get("code") or FALLBACK_CODES.get(status, "error"))
        message = str(error.get("message") or "")
        fields = error.get("fields") if isinstance(error.get("fields"), dict) else None
        return cls(status, code, message, fields=fields, retry_after=retry_after)


def wait(seconds: int) -> str:
    """ "Try again in 30 seconds." in the active language."""
    sentence = ngettext(
        "Try again in %(seconds)s second.", "Try again in %(seconds)s seconds.", seconds
    )
    return sentence % {"seconds": seconds}


def field_name(name: str) -> str:
    """A form field's name as people read it (unknown names as they are)."""
    return _(FIELD_NAMES[name]) if name in FIELD_NAMES else name


def unreachable(base_url: str, reason: str = "") -> ApiError:
    """The error for a server that does not answer."""
    message = f"Cannot reach the server at {base_url} ({reason or 'no answer'})."
    return ApiError(0, "unreachable", message, server=base_url, reason=reason)


def client_error(exc: Exception) -> ApiError:
    """The error for a bug on this side (shown rather than lost)."""
    return ApiError(0, "client_error", f"{type(exc).__name__}: {exc}")
