"""What /openapi.json declares beyond what APIFlask derives from the routes' decorators.

APIFlask documents the statuses given to @bp.input, @bp.output, @bp.auth_required and
@bp.doc(responses=...). The answers that come from the app's edges rather than from a route
(http.require_json_body and MAX_CONTENT_LENGTH for request bodies, errors._unavailable while
the database is down) are declared here, once for every operation.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask

ERROR_REF = "#/components/schemas/HTTPError"  # APIFlask's name for HTTP_ERROR_SCHEMA

# Every operation that takes a JSON body can answer these (http.require_json_body).
BODY_ERRORS = {
    400: ("malformed_json", "The body is not valid JSON."),
    413: ("payload_too_large", "The body is larger than PAPO_MAX_BODY_BYTES (64 KiB by default)."),
    415: ("unsupported_media_type", "The body is not sent as 'Content-Type: application/json'."),
}
# Every operation can answer this while the database is unreachable or saturated.
UNAVAILABLE = (
    503,
    "service_unavailable",
    "The database is unavailable; try again after Retry-After seconds.",
)
METHODS = {"get", "put", "post", "delete", "patch"}


def error_response(code: str, sentence: str, headers: dict | None = None) -> dict[str, Any]:
    """A response with the one error shape, its description naming the error code."""
    response: dict[str, Any] = {
        "description": f"{sentence} Error code `{code}`.",
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    """Declare the edge answers on every operation; mark every request body required."""
    for methods in spec.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True  # Papo has no optional bodies
                for status, (code, sentence) in BODY_ERRORS.items():
                    _declare(responses, status, error_response(code, sentence))
            status, code, sentence = UNAVAILABLE
            _declare(responses, status, error_response(code, sentence, RETRY_AFTER))
    return spec


def _declare(responses: dict, status: int, response: dict) -> None:
    """Add `response` for `status` unless the route already documents that status."""
    if status not in responses and str(status) not in responses:
        responses[str(status)] = response


def init_app(app: APIFlask) -> None:
    """Run `complete` on the document (after any spec processor registered before)."""
    previous = app.spec_callback

    @app.spec_processor
    def _complete(spec: dict[str, Any]) -> dict[str, Any]:
        return complete(previous(spec) if previous else spec)
