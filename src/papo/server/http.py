"""HTTP edges: JSON-only request bodies, CORS for configured origins, proxy headers."""

from __future__ import annotations

from apiflask import APIFlask
from flask import request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import ApiError

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def require_json_body() -> None:
    """Refuse a request body that is not JSON (415) or not valid JSON (400)."""
    if request.method not in BODY_METHODS or not _has_body():
        return
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the body as JSON with 'Content-Type: application/json'.",
        )
    body = request.get_data(cache=True)
    if request.content_length is None and _over_limit(body):
        raise ApiError(413, "payload_too_large", "The request body is too large.")
    if not _parses(body):
        raise ApiError(400, "malformed_json", "The body is not valid JSON.")


def _parses(body: bytes) -> bool:
    """True when the body is JSON, including a bare `null`."""
    try:
        return request.get_json(silent=True) is not None or body.strip() == b"null"
    except RecursionError:  # nesting too deep for the parser: `silent` covers ValueError only
        return False


def _over_limit(body: bytes) -> bool:
    """A chunked body is cut at the limit without a word: look for a byte beyond it."""
    limit = request.max_content_length
    if not limit:
        return False
    return len(body) >= limit and bool(request.environ["wsgi.input"].read(1))


def _has_body() -> bool:
    return bool(request.content_length) or _chunked()


def _chunked() -> bool:
    """True when the body comes in chunks (header values are case-insensitive, RFC 9112)."""
    codings = request.headers.get("Transfer-Encoding", "").lower().split(",")
    return "chunked" in (coding.strip() for coding in codings)


def init_app(app: APIFlask) -> None:
    """Install the request guards and middleware."""
    config = app.extensions["papo"].config
    app.before_request(require_json_body)
    if config.cors_origins:
        CORS(app, origins=list(config.cors_origins), expose_headers=["Retry-After"])
    if config.trusted_proxies:
        n = config.trusted_proxies
        # Flask's documented way to add WSGI middleware (mypy sees a method being replaced).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n
        )
