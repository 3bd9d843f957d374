"""HTTP edges: JSON-only request bodies, security headers, CORS for configured origins, proxy
headers."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from apiflask import APIFlask
from flask import Response, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import ApiError

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Every answer is JSON for a program, never a page to frame, sniff, cache or leave a referrer.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


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


def docs_policy(app: APIFlask) -> str:
    """The Content-Security-Policy of /docs: Swagger UI's script and style from the CDN it is
    loaded from, its inline set-up script and styles, and fetches of /openapi.json."""
    cdn = {_origin(app.config[name]) for name in ("SWAGGER_UI_BUNDLE_JS", "SWAGGER_UI_CSS")}
    sources = " ".join(sorted(cdn))
    return (
        f"default-src 'none'; script-src {sources} 'unsafe-inline'; "
        f"style-src {sources} 'unsafe-inline'; img-src 'self' data: "
        f"{_origin(app.config['DOCS_FAVICON'])}; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"


def _security_headers(docs_path: str, docs: str) -> Callable[[Response], Response]:
    def add(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        policy = docs if request.path == docs_path else API_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return add


def init_app(app: APIFlask) -> None:
    """Install the request guards, the security headers and the middleware."""
    config = app.extensions["papo"].config
    app.before_request(require_json_body)
    app.after_request(_security_headers(app.docs_path or "", docs_policy(app)))
    if config.cors_origins:
        CORS(app, origins=list(config.cors_origins), expose_headers=["Retry-After"])
    if config.trusted_proxies:
        n = config.trusted_proxies
        # Flask's documented way to add WSGI middleware (mypy sees a method being replaced).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n
        )
