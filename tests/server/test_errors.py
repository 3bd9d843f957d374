"""Every error is JSON {"error": {"code", "message", "fields"?}} with the right status."""

import pytest

from support.accounts import PASSWORD
from support.errors import error_of


def test_malformed_json_is_400(client):
    response = client.post("/auth/login", data='{"username": ', content_type="application/json")

    error_of(response, 400, "malformed_json")


def test_a_body_that_is_not_utf8_is_400(client):
    response = client.post("/auth/login", data=b"\xff\xfe{", content_type="application/json")

    error_of(response, 400, "malformed_json")


def test_malformed_json_is_400_on_a_signed_in_route(client, member):
    response = client.patch(
        f"/users/{member.id}", data="{name", content_type="application/json", headers=member.headers
    )

    error_of(response, 400, "malformed_json")


def test_an_unknown_route_is_a_json_404(client):
    error_of(client.get("/no/such/route"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/auth/login"), ("GET", "/auth/logout"), ("PUT", "/users"), ("POST", "/health")],
)
def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client, method, path):
    response = client.open(path, method=method)

    error_of(response, 405, "method_not_allowed")
    assert response.headers["Allow"]


@pytest.mark.app_config(max_body_bytes=1024)
def test_a_body_over_the_limit_is_413(client):
    body = {"username": "alice", "password": "x" * 2000}

    error_of(client.post("/auth/login", json=body), 413, "payload_too_large")


@pytest.mark.app_config(max_body_bytes=1024)
def test_a_body_over_the_limit_is_413_on_a_signed_in_route(client, member):
    response = client.patch(
        f"/users/{member.id}", json={"name": "x" * 2000}, headers=member.headers
    )

    error_of(response, 413, "payload_too_large")


@pytest.mark.app_config(max_body_bytes=1024)
def test_a_body_right_at_the_limit_is_read(client):
    padding = 1024 - len('{"username": "alice", "password": ""}')
    data = '{"username": "alice", "password": "' + "x" * padding + '"}'
    assert len(data) == 1024

    response = client.post("/auth/login", data=data, content_type="application/json")

    error_of(response, 401, "invalid_credentials")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("username=alice&password=secret", "application/x-www-form-urlencoded"),
        ('{"username": "alice", "password": "secret"}', "text/plain"),
        ("<login/>", "application/xml"),
        ('{"username": "alice", "password": "secret"}', None),
    ],
    ids=["form", "text", "xml", "no content type"],
)
def test_a_body_that_is_not_json_is_415(client, data, content_type):
    response = client.post("/auth/login", data=data, content_type=content_type)

    error_of(response, 415, "unsupported_media_type")


def test_multipart_form_data_is_415(client):
    response = client.post("/auth/login", data={"username": "alice", "password": "secret"})

    error_of(response, 415, "unsupported_media_type")


def test_json_with_a_charset_is_accepted(client, api):
    api.create_user(username="alice")
    data = '{"username": "alice", "password": "' + PASSWORD + '"}'

    response = client.post("/auth/login", data=data, content_type="application/json; charset=utf-8")

    assert response.status_code == 200


def test_a_conflict_is_409(client, api):
    api.create_user(username="alice")
    body = {"username": "alice", "password": PASSWORD, "name": "Alice"}

    error_of(client.post("/auth/register", json=body), 409, "username_taken")


def test_an_unexpected_error_is_a_json_500_without_details(app, client, monkeypatch):
    from papo.server.services import auth

    def explode(**_):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(auth, "login", explode)

    response = client.post("/auth/login", json={"username": "alice", "password": "x"})

    error = error_of(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in error["message"]


# --- Hostile input never causes a 500 -------------------------------------------------------

NUL = "a\x00b"
LONE_SURROGATE = "a\ud800b"  # valid JSON ("a\\ud800b"), but not encodable text


def test_a_nul_character_in_a_login_username_is_refused_without_a_500(client):
    response = client.post("/auth/login", json={"username": NUL, "password": PASSWORD})

    assert response.status_code in {401, 422}, response.get_json()


@pytest.mark.parametrize("route", ["register", "patch"])
def test_a_nul_character_in_a_name_is_refused(client, member, route):
    if route == "register":
        body = {"username": "nully", "password": PASSWORD, "name": NUL}
        response = client.post("/auth/register", json=body)
    else:
        response = client.patch(f"/users/{member.id}", json={"name": NUL}, headers=member.headers)

    error_of(response, 422, "validation_error")


def test_a_nul_character_in_a_search_is_answered_without_a_500(client, member):
    response = client.get("/users", query_string={"q": NUL}, headers=member.headers)

    assert response.status_code in {200, 422}, response.get_json()


@pytest.mark.parametrize(
    "body",
    [
        {"username": "surrogate", "password": PASSWORD, "name": LONE_SURROGATE},
        {"username": "surrogate", "password": LONE_SURROGATE * 4, "name": "Surrogate"},
    ],
    ids=["name", "password"],
)
def test_a_lone_surrogate_in_registration_is_422(client, body):
    error_of(client.post("/auth/register", json=body), 422, "validation_error")


@pytest.mark.parametrize(
    "body",
    [
        {"username": LONE_SURROGATE, "password": PASSWORD},
        {"username": "alice", "password": LONE_SURROGATE * 4},
    ],
    ids=["username", "password"],
)
def test_a_lone_surrogate_in_a_login_is_refused_without_a_500(client, body):
    response = client.post("/auth/login", json=body)

    assert response.status_code in {401, 422}, response.get_json()


@pytest.mark.parametrize("page", ["²", "①", "٣"], ids=["superscript", "circled", "arabic-indic"])
def test_a_page_number_in_unusual_digits_is_422_or_read(client, member, page):
    response = client.get("/users", query_string={"page": page}, headers=member.headers)

    assert response.status_code in {200, 422}, response.get_json()
