"""Every answer carries the headers that keep browsers from sniffing, framing, caching it or
sending a referrer; API answers allow no content at all, /docs exactly what Swagger UI loads."""

from __future__ import annotations

import re

import pytest

from papo.server.http import API_POLICY

HARDENING = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ANONYMOUS = [
    pytest.param("GET", "/health", {}, 200, id="200 health"),
    pytest.param("GET", "/openapi.json", {}, 200, id="200 openapi"),
    pytest.param("GET", "/no/such/route", {}, 404, id="404"),
    pytest.param("GET", "/users", {}, 401, id="401"),
    pytest.param("POST", "/health", {}, 405, id="405"),
    pytest.param("POST", "/auth/register", {"json": {"username": ""}}, 422, id="422"),
    pytest.param(
        "POST", "/auth/login", {"data": "{", "content_type": "application/json"}, 400, id="400"
    ),
    pytest.param("POST", "/auth/login", {"json": {"password": "p" * 70_000}}, 413, id="413"),
    pytest.param("POST", "/auth/login", {"data": "x", "content_type": "text/plain"}, 415, id="415"),
]


def assert_hardened(response, policy: str = API_POLICY) -> None:
    for name, value in HARDENING.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    assert response.headers.get("Content-Security-Policy") == policy


@pytest.mark.parametrize(("method", "path", "request_args", "status"), ANONYMOUS)
def test_api_answers_and_errors_carry_the_security_headers(
    client, method, path, request_args, status
):
    response = client.open(path, method=method, **request_args)

    assert response.status_code == status, response.get_json()
    assert_hardened(response)


def test_signed_in_answers_carry_the_security_headers(client, member):
    assert_hardened(client.get("/users", headers=member.headers))
    assert_hardened(client.get("/rooms/999999", headers=member.headers))


def test_docs_policy_allows_what_the_page_loads_and_nothing_else(client):
    response = client.get("/docs")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    loaded = re.findall(r'<(script|link)[^>]*(?:src|href)="(https?://[^/"]+)', response.text)

    assert response.status_code == 200
    assert {origin for _, origin in loaded} == {"https://cdn.jsdelivr.net", "https://apiflask.com"}
    for tag, origin in loaded:
        allowed = (
            policy["script-src"] if tag == "script" else policy["style-src"] + policy["img-src"]
        )
        assert origin in allowed, (tag, origin, policy)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "'self'" in policy["connect-src"]  # Swagger UI fetches /openapi.json
    for name, value in HARDENING.items():
        assert response.headers.get(name) == value
