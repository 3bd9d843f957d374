"""What /openapi.json promises, checked against what the server does.

The fuzzer (test_api_fuzz.py) holds every generated answer to the document; the tests here
hold the document to the answers the fuzzer seldom or never provokes (body errors, conflicts,
the database down) and to the rules it must state (names, required bodies), each checked
against a real answer.
"""

import re

import pytest

from papo.server import Config, create_app
from papo.server.api.openapi import BODY_ERRORS, UNAVAILABLE
from security.cast import SQLITE_ONLY
from support.apps import dispose
from support.errors import error_of

pytestmark = SQLITE_ONLY

# Answers documented with a body of their own rather than the error shape.
REPORTS = {("GET /health", "503"): "HealthOut"}

# The conflicts services/rooms.py raises, by route.
CONFLICTS = {
    "POST /rooms/{room_id}/leave": "general_is_fixed",
    "DELETE /rooms/{room_id}": "general_is_fixed",
    "POST /rooms/{room_id}/members": "direct_is_fixed",
    "DELETE /rooms/{room_id}/members/{user_id}": "general_is_fixed",
    "PATCH /rooms/{room_id}": "general_is_fixed",
}


@pytest.fixture
def document(client):
    """The OpenAPI document the app serves."""
    return client.get("/openapi.json").get_json()


def operations(document):
    """(label, operation) for every operation of the document."""
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def undocumented(document, status, labels=None):
    """The operations (of `labels`, or that take a body) not declaring `status`."""
    return [
        label
        for label, operation in operations(document)
        if (label in labels if labels else "requestBody" in operation)
        and str(status) not in operation["responses"]
    ]


def schema_of(document, response):
    """The component schema a response's JSON body refers to, and its name."""
    schema = response["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return name, document["components"]["schemas"][name]


def test_every_error_answer_is_documented_with_the_one_error_shape(document):
    for label, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                name, shape = schema_of(document, response)
                if (label, status) in REPORTS:
                    assert name == REPORTS[label, status], (label, status)
                else:
                    assert shape["required"] == ["error"], (label, status)


def test_every_route_that_needs_a_token_says_so(document):
    public = {"POST /auth/register", "POST /auth/login", "GET /health"}
    for label, operation in operations(document):
        secured = bool(operation.get("security"))
        assert secured is (label not in public), label
        if secured:
            assert "401" in operation["responses"], label


@pytest.mark.parametrize(("status", "code"), [(s, c) for s, (c, _) in BODY_ERRORS.items()])
def test_every_route_with_a_body_documents_its_body_errors(document, status, code):
    assert undocumented(document, status) == []
    for _label, operation in operations(document):
        if "requestBody" in operation:
            assert f"`{code}`" in operation["responses"][str(status)]["description"]


def test_the_real_body_errors_are_the_documented_ones(client, member, document):
    headers = {"Authorization": member.headers["Authorization"]}
    malformed = client.post("/rooms", data="{", content_type="application/json", headers=headers)
    too_big = client.post("/rooms", json={"name": "x" * 70_000}, headers=headers)
    not_json = client.post("/rooms", data="name=x", headers=headers)

    declared = document["paths"]["/rooms"]["post"]["responses"]
    for response in (malformed, too_big, not_json):
        code = BODY_ERRORS[response.status_code][0]
        error_of(response, response.status_code, code)
        assert f"`{code}`" in declared[str(response.status_code)]["description"]


@pytest.mark.parametrize("label", sorted(CONFLICTS))
def test_every_conflict_a_room_route_raises_is_documented(document, label):
    assert undocumented(document, 409, labels={label}) == []


def test_the_real_conflicts_are_the_documented_ones(client, api, admin, member):
    general = 1
    direct = client.post("/rooms/direct", json={"user_id": member.id}, headers=admin.headers)
    room = direct.get_json()["id"]
    answers = {
        "POST /rooms/{room_id}/leave": client.post(
            f"/rooms/{general}/leave", headers=member.headers
        ),
        "DELETE /rooms/{room_id}": client.delete(f"/rooms/{general}", headers=admin.headers),
        "POST /rooms/{room_id}/members": client.post(
            f"/rooms/{room}/members", json={"user_id": api.create_user().id}, headers=admin.headers
        ),
        "DELETE /rooms/{room_id}/members/{user_id}": client.delete(
            f"/rooms/{general}/members/{member.id}", headers=admin.headers
        ),
        "PATCH /rooms/{room_id}": client.patch(
            f"/rooms/{general}", json={"name": "lobby"}, headers=admin.headers
        ),
    }

    assert {label: error_of(r, 409)["code"] for label, r in answers.items()} == CONFLICTS


def test_every_route_documents_that_the_database_may_be_down(document):
    status, code, _ = UNAVAILABLE
    labels = {label for label, _ in operations(document)}
    assert undocumented(document, status, labels=labels) == []
    for label, operation in operations(document):
        if (label, str(status)) not in REPORTS:
            response = operation["responses"][str(status)]
            assert f"`{code}`" in response["description"], label
            assert response["headers"]["Retry-After"]["required"] is True, label


def test_the_real_answer_while_the_database_is_down_is_the_documented_one(tmp_path, document):
    url = f"sqlite:///{tmp_path}/no/such/folder/papo.sqlite3"
    config = Config.from_env(
        environ={}, instance_dir=tmp_path, database_url=url, auto_migrate=False, testing=True
    )
    app = create_app(config)
    try:
        client = app.test_client()
        answers = [
            client.get("/rooms", headers={"Authorization": "Bearer some-token"}),
            client.post("/auth/login", json={"username": "alice", "password": "secret"}),
        ]
    finally:
        dispose(app)

    status, code, _ = UNAVAILABLE
    for response in answers:
        error_of(response, status, code)
        assert int(response.headers["Retry-After"]) >= 0
    assert "Retry-After" in document["paths"]["/rooms"]["get"]["responses"]["503"]["headers"]


def test_every_request_body_is_marked_required(document):
    optional = [
        label
        for label, operation in operations(document)
        if "requestBody" in operation and not operation["requestBody"].get("required")
    ]
    assert optional == []


def test_a_request_without_its_body_is_refused(client, member):
    error_of(client.post("/rooms", headers=member.headers), 422)


USERNAMES = ["alice2", "  Bob.Smith ", "x_y-z", "ab", "a" * 33, "bad name", "élodie", "a/b"]
ROOM_NAMES = ["lobby", " Team-2 ", "9lives", "-x", "_x", "a b", "x" * 65, "x" * 64, "café"]


def test_the_name_rules_are_in_the_document(document):
    schemas = document["components"]["schemas"]

    for schema in ("RegisterIn", "UserCreate"):
        assert "pattern" in schemas[schema]["properties"]["username"], schema
    for schema in ("RoomCreate", "RoomPatch"):
        assert "pattern" in schemas[schema]["properties"]["name"], schema
    for schema in ("RegisterIn", "UserCreate", "UserReplace", "UserPatch"):
        assert "pattern" in schemas[schema]["properties"]["name"], schema


def test_the_documented_name_rules_are_the_ones_the_server_applies(client, admin, document):
    # The patterns describe names as sent (before trimming and lower-casing): the server
    # takes exactly what they match, so the fuzzer's schema-violating names are all refused.
    properties = {
        schema: document["components"]["schemas"][schema]["properties"]
        for schema in ("UserCreate", "RoomCreate")
    }
    username = re.compile(properties["UserCreate"]["username"]["pattern"])
    display = re.compile(properties["UserCreate"]["name"]["pattern"])
    room_name = re.compile(properties["RoomCreate"]["name"]["pattern"])

    def created(path, body):
        response = client.post(path, json=body, headers=admin.headers)
        assert response.status_code in {201, 422}, response.get_json()
        return response.status_code == 201

    for name in USERNAMES:
        body = {"username": name, "password": "correct horse", "name": "Someone"}
        assert created("/users", body) is bool(username.search(name)), name
    for name in ["Zoé", "  Zoé  ", " ", "", "z" * 100, "z" * 101, " " + "z" * 100 + " "]:
        body = {"username": f"user{len(name)}{name.isspace()}", "password": "correct horse"}
        assert created("/users", {**body, "name": name}) is bool(display.search(name)), name
    for name in ROOM_NAMES:
        assert created("/rooms", {"name": name}) is bool(room_name.search(name)), name
