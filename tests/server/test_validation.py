"""Input validation: a 422 naming each invalid field, and the limits that are accepted."""

import pytest

from support.accounts import PASSWORD
from support.errors import error_of

VALID = {"username": "valid", "password": PASSWORD, "name": "Valid Name"}


def register(client, **changes):
    return client.post("/auth/register", json={**VALID, **changes})


def invalid_fields(response):
    return error_of(response, 422, "validation_error")["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", -1),
        ("age", 151),
        ("age", "12"),
        ("age", 12.5),
        ("age", 30.0),
        ("age", True),
        ("age", 10**20),
        ("username", "ab"),
        ("username", "has space"),
        ("username", "x" * 33),
        ("username", ""),
        ("username", "émile"),
        ("username", "semi;colon"),
        ("username", 12345),
        ("username", None),
        ("name", ""),
        ("name", "   "),
        ("name", "x" * 101),
        ("name", None),
        ("name", ["Alice"]),
        ("password", "x" * 7),
        ("password", "x" * 1025),
        ("password", 12345678),
        ("password", None),
    ],
    ids=repr,
)
def test_register_names_the_invalid_field(client, field, value):
    assert list(invalid_fields(register(client, **{field: value}))) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", -1),
        ("age", 151),
        ("age", "12"),
        ("age", 12.5),
        ("age", True),
        ("name", ""),
        ("name", "x" * 101),
        ("password", "x" * 7),
        ("active", None),
        ("role", "owner"),
        ("role", "Admin"),
    ],
    ids=repr,
)
def test_patch_names_the_invalid_field(client, admin, member, field, value):
    response = client.patch(f"/users/{member.id}", json={field: value}, headers=admin.headers)

    assert list(invalid_fields(response)) == [field]


def test_every_missing_field_is_named(client):
    fields = invalid_fields(client.post("/auth/register", json={}))

    assert set(fields) == {"username", "password", "name"}


def test_every_invalid_field_is_named_at_once(client):
    fields = invalid_fields(register(client, username="x", name="", age=-1, password="short"))

    assert set(fields) == {"username", "name", "age", "password"}


def test_an_unknown_field_is_named_not_ignored(client):
    assert invalid_fields(register(client, nickname="Al")) == {"nickname": "Unknown field."}


@pytest.mark.parametrize("data", ["[]", '[{"username": "valid"}]', '"text"', "42", "true", "null"])
@pytest.mark.parametrize("path", ["/auth/register", "/auth/login"])
def test_a_body_that_is_not_an_object_is_422(client, path, data):
    response = client.post(path, data=data, content_type="application/json")

    assert invalid_fields(response) == {"body": "The body must be a JSON object."}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_list_body_on_a_user_is_422(client, member, method):
    response = client.open(
        f"/users/{member.id}", method=method, json=[{"name": "x"}], headers=member.headers
    )

    assert invalid_fields(response) == {"body": "The body must be a JSON object."}


@pytest.mark.parametrize(
    "query",
    [
        {"page": 0},
        {"page": -1},
        {"page": "abc"},
        {"per_page": 0},
        {"per_page": 101},
        {"q": "x" * 101},
    ],
    ids=repr,
)
def test_bad_paging_or_search_is_422(client, member, query):
    response = client.get("/users", query_string=query, headers=member.headers)

    assert list(invalid_fields(response)) == list(query)


def test_unknown_query_parameters_are_ignored(client, member):
    response = client.get("/users", query_string={"_": "123"}, headers=member.headers)

    assert response.status_code == 200


# --- Accepted limits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"username": "abc"},
        {"username": "x" * 32},
        {"username": "a.b_c-9"},
        {"name": "x" * 100},
        {"name": "Zoë Ünal 😀"},
        {"age": 0},
        {"age": 150},
        {"age": None},
        {"password": "x" * 8},
    ],
    ids=repr,
)
def test_values_at_the_limits_are_accepted(client, changes):
    response = register(client, **changes)

    assert response.status_code == 201, response.get_json()


def test_names_are_trimmed(client):
    assert register(client, name="  Spaced  ").get_json()["user"]["name"] == "Spaced"


@pytest.mark.parametrize("length", [8, 64, 1024])
def test_a_long_password_signs_in(client, length):
    password = "pw-" + "x" * (length - 3)
    register(client, password=password)

    response = client.post("/auth/login", json={"username": "valid", "password": password})

    assert response.status_code == 200


@pytest.mark.parametrize("prefix", [72, 1023], ids=["bcrypt-length", "all-but-one"])
def test_a_long_password_is_never_truncated(client, prefix):
    password = "".join(chr(ord("a") + i % 26) for i in range(1024))
    register(client, password=password)

    response = client.post("/auth/login", json={"username": "valid", "password": password[:prefix]})

    error_of(response, 401, "invalid_credentials")


def test_a_password_is_taken_exactly_as_typed(client):
    register(client, password="  spaced password  ")

    trimmed = {"username": "valid", "password": "spaced password"}
    error_of(client.post("/auth/login", json=trimmed), 401, "invalid_credentials")
    exact = {"username": "valid", "password": "  spaced password  "}
    assert client.post("/auth/login", json=exact).status_code == 200


def test_a_unicode_password_signs_in(client):
    register(client, password="пароль-密码-🔑")

    login = client.post("/auth/login", json={"username": "valid", "password": "пароль-密码-🔑"})

    assert login.status_code == 200
