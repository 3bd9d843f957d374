"""The one JSON error shape, as tests expect it."""

from __future__ import annotations

from typing import Any


def error_of(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert `response` is the JSON error shape with `status` (and `code`); return its error."""
    body = response.get_json(silent=True)
    assert response.status_code == status, (response.status_code, body)
    assert response.mimetype == "application/json", response.mimetype
    assert isinstance(body, dict), body
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}, error
    assert isinstance(error["code"], str), error
    assert isinstance(error["message"], str), error
    assert error["message"], error
    assert all(isinstance(text, str) for text in error.get("fields", {}).values()), error
    if code is not None:
        assert error["code"] == code, error
    return error
