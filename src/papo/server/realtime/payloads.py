"""Validation of Socket.IO event payloads: plain checks that raise 422 ApiErrors."""

from __future__ import annotations

from typing import Any

from ...rules import CLIENT_ID_MAX, LAST_IDS_MAX, MAX_ID, ROOM_NAME_MAX, storable
from ..errors import ApiError
from ..i18n import N_


def invalid(field: str, message: str) -> ApiError:
    """A 422 naming one field."""
    return ApiError(422, "validation_error", message, fields={field: message})


def as_object(data: Any, *, allow_missing: bool = False) -> dict[str, Any]:
    """The payload must be a JSON object."""
    if data is None and allow_missing:
        return {}
    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", "The payload must be an object.")
    return data


def room_ref(data: dict[str, Any], default: str | None = None) -> int | str:
    """A room given by id (integer) or by name (text no longer than a room name)."""
    value = data.get("room", default)
    if isinstance(value, bool) or value is None:
        raise invalid("room", "Give the room as an id or a name.")
    if isinstance(value, int):
        if not 0 < value <= MAX_ID:
            raise invalid("room", "There is no room with this id.")
        return value
    if isinstance(value, str) and 0 < len(value.strip()) <= ROOM_NAME_MAX and storable(value):
        return value
    raise invalid("room", "Give the room as an id or a name.")


def message_id(data: dict[str, Any], field: str = "id") -> int:
    """A positive message id."""
    value = data.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise invalid(field, "Give the message id as a positive whole number.")
    return value


def client_id(data: dict[str, Any]) -> str | None:
    """An optional client-chosen id, 1–64 characters, that makes a send safe to retry."""
    value = data.get("client_id")
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= CLIENT_ID_MAX or not storable(value):
        raise invalid("client_id", N_("client_id must be text of 1 to 64 characters."))
    return value


def last_ids(data: dict[str, Any]) -> dict[int, int]:
    """{room id: last message id the client holds}, keys as integers or digit strings."""
    value = data.get("last_ids", {})
    if not isinstance(value, dict) or len(value) > LAST_IDS_MAX:
        raise invalid("last_ids", "last_ids must map room ids to message ids.")
    result: dict[int, int] = {}
    for key, last in value.items():
        digits = isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 10
        room = int(key) if digits else key
        ok_room = isinstance(room, int) and 0 < room <= MAX_ID
        ok_last = isinstance(last, int) and not isinstance(last, bool) and 0 <= last <= MAX_ID
        if not (ok_room and ok_last):
            raise invalid("last_ids", "last_ids must map room ids to message ids.")
        result[room] = last
    return result
