"""Every error code Papo's server answers with: its HTTP status and its default sentence.

The code is the stable, machine-readable part of an error; the sentence is English and is
translated where the reader is known. A route or an event may say something more precise
than the default (it still answers with this code and status). Standard library only: the
server and the desktop client read the same table, and `make i18n` extracts the sentences
into both catalogs (domains `papo` and `papo_client`).
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where the reader is known."""
    return message


@dataclass(frozen=True)
class ErrorCode:
    """One error: its code, its HTTP status, its default English sentence."""

    code: str
    status: int
    sentence: str
    generic: bool = False  # the code for its status when nothing more precise is known


_TABLE = (
    # The generic code of each status (errors from Werkzeug, APIFlask, the transport guards).
    ErrorCode("bad_request", 400, N_("The request is malformed."), generic=True),
    ErrorCode("unauthorized", 401, N_("Sign in first."), generic=True),
    ErrorCode("forbidden", 403, N_("You may not do this."), generic=True),
    ErrorCode("not_found", 404, N_("There is nothing at this address."), generic=True),
    ErrorCode(
        "method_not_allowed", 405, N_("This address does not accept this method."), generic=True
    ),
    ErrorCode("conflict", 409, N_("This conflicts with existing data."), generic=True),
    ErrorCode("payload_too_large", 413, N_("The request body is too large."), generic=True),
    ErrorCode("unsupported_media_type", 415, N_("Send the body as JSON."), generic=True),
    ErrorCode("validation_error", 422, N_("Some fields are invalid."), generic=True),
    ErrorCode("rate_limited", 429, N_("Too many requests; slow down."), generic=True),
    ErrorCode("internal_error", 500, N_("The server failed; try again."), generic=True),
    ErrorCode(
        "service_unavailable",
        503,
        N_("The service is unavailable; try again shortly."),
        generic=True,
    ),
    # Requests.
    ErrorCode("malformed_json", 400, N_("The body is not valid JSON.")),
    # Signing in and sessions.
    ErrorCode("token_missing", 401, N_("Sign in first: send 'Authorization: Bearer <token>'.")),
    ErrorCode("token_invalid", 401, N_("This token is not valid (signed out or revoked).")),
    ErrorCode("token_expired", 401, N_("This session has expired; sign in again.")),
    ErrorCode("invalid_credentials", 401, N_("Wrong username or password.")),
    ErrorCode("not_connected", 401, N_("This connection is not signed in.")),
    ErrorCode("signup_closed", 403, N_("Sign-up is closed on this server; ask an admin.")),
    ErrorCode("wrong_password", 403, N_("The current password is missing or wrong.")),
    ErrorCode("login_throttled", 429, N_("Too many failed sign-ins.")),
    ErrorCode("session_not_found", 404, N_("No such session.")),
    # Users.
    ErrorCode("user_not_found", 404, N_("No such user.")),
    ErrorCode("username_taken", 409, N_("This username is already taken.")),
    ErrorCode("last_admin", 409, N_("The last active admin must stay an active admin.")),
    # Rooms.
    ErrorCode("room_not_found", 404, N_("No such room.")),
    ErrorCode("room_private", 403, N_("This room is private; ask its creator to add you.")),
    ErrorCode("not_a_member", 403, N_("Join this room first.")),
    ErrorCode("room_name_taken", 409, N_("A room with this name already exists.")),
    ErrorCode("general_is_fixed", 409, N_("The room 'general' stays as it is.")),
    ErrorCode("direct_is_fixed", 409, N_("A direct conversation keeps its two people.")),
    # Messages and events.
    ErrorCode("message_not_found", 404, N_("No such message.")),
    ErrorCode("unknown_event", 404, N_("No such event.")),
)

ERRORS: dict[str, ErrorCode] = {error.code: error for error in _TABLE}
GENERIC: dict[int, ErrorCode] = {error.status: error for error in _TABLE if error.generic}
FALLBACK_CODE = "error"
FALLBACK_SENTENCE = N_("The request failed.")


def for_status(status: int) -> ErrorCode:
    """The generic error of `status` (any status: "error" where the table has none)."""
    return GENERIC.get(status) or ErrorCode(FALLBACK_CODE, status, FALLBACK_SENTENCE)
