"""The one JSON error shape: {"error": {"code", "message", "fields"?}} with the right status."""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from ..error_codes import ERRORS, GENERIC, for_status
from .i18n import request_locale, translate

log = logging.getLogger(__name__)

# The generic {status: (code, sentence)}, for the errors that come with a status only.
CODES = {status: (error.code, error.sentence) for status, error in GENERIC.items()}


class ApiError(HTTPError):
    """A domain error with a stable machine-readable `code` and a sentence for people.

    `message` (and each value of `fields`) is English with `%(name)s` parameters, filled
    from `params`; it is translated for each reader (see i18n.py).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.template = message
        self.params = params
        self.field_templates = fields or {}
        extra: dict[str, Any] = {"code": code}
        super().__init__(
            status, translate(message, "en", **params), headers=headers, extra_data=extra
        )
        self.fields = {
            name: translate(text, "en", **params) for name, text in self.field_templates.items()
        }

    def body(self, locale: str) -> dict[str, Any]:
        """The error as {code, message, fields?}, in `locale`."""
        body: dict[str, Any] = {
            "code": self.code,
            "message": translate(self.template, locale, **self.params),
        }
        if self.field_templates:
            body["fields"] = {
                name: translate(text, locale, **self.params)
                for name, text in self.field_templates.items()
            }
        return body


def api_error(code: str, **kwargs: Any) -> ApiError:
    """The ApiError of `code` with the table's status and sentence (error_codes.py)."""
    error = ERRORS[code]
    return ApiError(error.status, error.code, error.sentence, **kwargs)


def event_error(code: str, locale: str) -> dict[str, Any]:
    """The error acknowledgement of `code`, with the table's sentence in `locale`."""
    return {"ok": False, "error": api_error(code).body(locale)}


def error_body(error: HTTPError, locale: str | None = None) -> dict[str, Any]:
    """Build the JSON body for any HTTPError (ours, APIFlask's validation errors, Werkzeug's)."""
    locale = locale or request_locale()
    if isinstance(error, ApiError):
        return {"error": error.body(locale)}
    generic = for_status(error.status_code)
    body: dict[str, Any] = {"code": generic.code, "message": translate(generic.sentence, locale)}
    fields = _flatten_detail(error.detail)
    if fields:
        body["fields"] = {name: translate(text, locale) for name, text in fields.items()}
    return {"error": body}


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
    def _conflict(exc: IntegrityError) -> Any:
        app.extensions["sqlalchemy"].session.rollback()
        log.info("integrity error on %s %s", request.method, request.path)
        return app.error_callback(api_error("conflict"))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _unavailable(exc: Exception) -> Any:
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
    def _unexpected(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):
            return app.error_callback(HTTPError(exc.code or 500, message=exc.name))
        log.exception("unexpected error on %s %s", request.method, request.path)
        return app.error_callback(api_error("internal_error"))


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
