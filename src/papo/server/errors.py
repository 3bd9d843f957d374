"""The one JSON error shape: {"error": {"code", "message", "fields"?}} with the right status."""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(HTTPError):
    """A domain error with a stable machine-readable `code` and a sentence for people."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        extra: dict[str, Any] = {"code": code}
        if fields:
            extra["fields"] = fields
        super().__init__(status, message, headers=headers, extra_data=extra)
        self.code = code
        self.fields = fields or {}


def validation_error(fields: dict[str, str], message: str = "Some fields are invalid.") -> ApiError:
    """Return a 422 naming each invalid field."""
    return ApiError(422, "validation_error", message, fields=fields)


def error_body(error: HTTPError) -> dict[str, Any]:
    """Build the JSON body for any HTTPError, including APIFlask's validation errors."""
    code = error.extra_data.get("code") or CODES.get(error.status_code, "error")
    body: dict[str, Any] = {"code": code, "message": _sentence(error)}
    fields = error.extra_data.get("fields") or _flatten_detail(error.detail)
    if fields:
        body["fields"] = fields
    if error.status_code == 422 and code == "validation_error" and not error.extra_data:
        body["message"] = "Some fields are invalid."
    return {"error": body}


def _sentence(error: HTTPError) -> str:
    message = str(error.message or "").strip()
    return message if message.endswith(".") else f"{message}."


def _flatten_detail(detail: Any) -> dict[str, str]:
    """Turn marshmallow's {"json": {"age": ["..."]}} into {"age": "..."}."""
    if not isinstance(detail, dict):
        return {}
    flat: dict[str, str] = {}
    for location in detail.values():
        if not isinstance(location, dict):
            continue
        for name, messages in location.items():
            flat["body" if name == "_schema" else str(name)] = _first(messages)
    return flat


def _first(messages: Any) -> str:
    if isinstance(messages, list | tuple) and messages:
        return _first(messages[0])
    if isinstance(messages, dict) and messages:
        return _first(next(iter(messages.values())))
    return str(messages)


def init_app(app: APIFlask) -> None:
    """Route every error, expected or not, through the one JSON shape."""
    app.error_processor(lambda error: (error_body(error), error.status_code, error.headers))

    @app.errorhandler(IntegrityError)
    def _conflict(exc: IntegrityError):
        app.extensions["sqlalchemy"].session.rollback()
        log.info("integrity error on %s %s", request.method, request.path)
        return app.error_callback(ApiError(409, "conflict", "This conflicts with existing data."))

    @app.errorhandler(OperationalError)
    def _unavailable(exc: OperationalError):
        app.extensions["sqlalchemy"].session.rollback()
        log.error("database unavailable: %s", exc.__class__.__name__)
        error = ApiError(
            503,
            "service_unavailable",
            "The database is unavailable; try again shortly.",
            headers={"Retry-After": "5"},
        )
        return app.error_callback(error)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return app.error_callback(HTTPError(exc.code or 500, message=exc.name))
        log.exception("unexpected error on %s %s", request.method, request.path)
        error = ApiError(500, "internal_error", InternalServerError.description)
        return app.error_callback(error)


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code"},
                "message": {"type": "string", "description": "A sentence for people"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Per-field messages, for validation errors",
                },
            },
        }
    },
}
