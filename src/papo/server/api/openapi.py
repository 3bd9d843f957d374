"""What /openapi.json declares beyond what APIFlask derives from the routes' decorators.

APIFlask documents the statuses given to @bp.input, @bp.output, @bp.auth_required and
@bp.doc(responses=...). The answers that come from the app's edges rather than from a route
(http.require_json_body and MAX_CONTENT_LENGTH for request bodies, errors._unavailable while
the database is down) are declared here, once for every operation.
"""

from __future__ import annotations

import copy
from typing import Any

from apiflask import APIFlask

from ...error_codes import ERRORS, FALLBACK_CODE

ERROR_SCHEMA_NAME = "HTTPError"  # APIFlask's name for HTTP_ERROR_SCHEMA
ERROR_REF = f"#/components/schemas/{ERROR_SCHEMA_NAME}"


def _documented(code: str, detail: str) -> tuple[int, str, str]:
    """(status, code, description) of a table code (error_codes.py), worded for the document."""
    return ERRORS[code].status, code, detail


# Every operation that takes a JSON body can answer these (http.require_json_body).
BODY_ERRORS = {
    status: (code, detail)
    for status, code, detail in (
        _documented("malformed_json", "The body is not valid JSON."),
        _documented(
            "payload_too_large",
            "The body is larger than PAPO_MAX_BODY_BYTES (64 KiB by default).",
        ),
        _documented(
            "unsupported_media_type",
            "The body is not sent as 'Content-Type: application/json'.",
        ),
    )
}
# Every operation can answer this while the database is unreachable or saturated.
UNAVAILABLE = _documented(
    "service_unavailable", "The database is unavailable; try again after Retry-After seconds."
)
METHODS = {"get", "put", "post", "delete", "patch"}


def error_response(
    code: str, sentence: str, headers: dict[str, Any] | None = None
) -> dict[str, Any]:
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
    """Declare the edge answers on every operation; mark every request body required; list
    every error code in the error shape."""
    _list_codes(spec)
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


def _list_codes(spec: dict[str, Any]) -> None:
    """The error shape's `code` names every code of the table, with its status and sentence."""
    schemas = spec.get("components", {}).get("schemas", {})
    if ERROR_SCHEMA_NAME not in schemas:
        return
    error = schemas[ERROR_SCHEMA_NAME] = copy.deepcopy(schemas[ERROR_SCHEMA_NAME])  # shared
    code = error["properties"]["error"]["properties"]["code"]
    code["enum"] = [*ERRORS, FALLBACK_CODE]
    lines = [f"- `{e.code}` ({e.status}): {e.sentence}" for e in ERRORS.values()]
    lines.append(f"- `{FALLBACK_CODE}`: any other status without a code of its own")
    code["description"] = "Stable machine-readable code, one of:\n" + "\n".join(lines)


def _declare(responses: dict[str | int, Any], status: int, response: dict[str, Any]) -> None:
    """Add `response` for `status` unless the route already documents that status."""
    if status not in responses and str(status) not in responses:
        responses[str(status)] = response


def init_app(app: APIFlask) -> None:
    """Run `complete` on the document (after any spec processor registered before)."""
    previous = app.spec_callback

    @app.spec_processor
    def _complete(spec: dict[Any, Any] | str) -> dict[Any, Any] | str:
        spec = previous(spec) if previous else spec
        return complete(spec) if isinstance(spec, dict) else spec
