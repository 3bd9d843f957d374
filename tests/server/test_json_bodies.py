"""JSON bodies at the edge: nesting too deep for the parser is malformed JSON (400), not a
crash, on every route, before and after signing in."""

from __future__ import annotations

import logging

import pytest

from papo.server.extensions import socketio
from support.errors import error_of

DEEP = [
    pytest.param("[" * 30_000, id="30,000 ["),
    pytest.param('{"a":' * 10_000, id='10,000 {"a":'),
    pytest.param("[" * 5_000 + "]" * 5_000, id="5,000 deep, closed"),
]
ANONYMOUS_ROUTES = [("POST", "/auth/login"), ("POST", "/auth/register"), ("POST", "/rooms")]


def post_raw(client, method: str, path: str, body: str, headers=None):
    return client.open(
        path, method=method, data=body, content_type="application/json", headers=headers or {}
    )


@pytest.mark.parametrize("body", DEEP)
@pytest.mark.parametrize(("method", "path"), ANONYMOUS_ROUTES)
def test_deeply_nested_json_is_malformed_before_signing_in(client, caplog, method, path, body):
    caplog.set_level(logging.INFO)

    error_of(post_raw(client, method, path, body), 400, "malformed_json")

    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("body", DEEP)
def test_deeply_nested_json_is_malformed_on_signed_in_routes(client, member, caplog, body):
    caplog.set_level(logging.INFO)
    routes = [
        ("PATCH", f"/users/{member.id}"),
        ("POST", "/rooms"),
        ("POST", "/rooms/1/messages"),
        ("PUT", f"/users/{member.id}"),
        ("PATCH", "/messages/1"),
    ]

    for method, path in routes:
        error_of(post_raw(client, method, path, body, member.headers), 400, "malformed_json")

    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_json_nested_within_the_parsers_reach_is_read_and_validated(client, member):
    body = '{"name": ' + "[" * 50 + "]" * 50 + "}"

    error = error_of(post_raw(client, "POST", "/rooms", body, member.headers), 422)

    assert "name" in error["fields"]


@pytest.mark.parametrize("event", ["send_message", "join_room", "typing"])
def test_a_deeply_nested_socketio_payload_that_parses_is_refused_with_an_ack(
    app, client, member, caplog, event
):
    # Deeper than the parser allows closes the connection (tests/reliability/test_raw_packets.py);
    # within its reach (the test client's encoder reaches less far) the payload checks refuse
    # it like any wrong type.
    caplog.set_level(logging.INFO)
    conn = socketio.test_client(app, auth={"token": member.token}, flask_test_client=client)
    nested: list = []
    for _ in range(200):
        nested = [nested]

    ack = conn.emit(event, {"message": nested, "room": nested, "client_id": nested}, callback=True)

    assert ack["ok"] is False
    assert ack["error"]["code"] == "validation_error"
    assert conn.is_connected()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    conn.disconnect()
