"""What the fuzzers found, kept as plain regression tests that run on both databases: an id
beyond the database's integers in any path is a 404, never a 500 (it was for
POST /rooms/<id>/messages, on PostgreSQL past 2**31-1 and on SQLite past 2**63-1)."""

from __future__ import annotations

import pytest

from reliability.operations import OPERATIONS
from security.cast import sign_in
from support.errors import error_of

HUGE = [2**31, 2**63, 10**30]
BODIES = {
    "POST /rooms/{room_id}/messages": {"message": "hello"},
    "POST /rooms/{room_id}/members": {"user_id": 1},
    "PATCH /rooms/{room_id}": {"topic": "t"},
    "PATCH /messages/{message_id}": {"message": "changed"},
    "PUT /users/{user_id}": {"name": "Name"},
    "PATCH /users/{user_id}": {"name": "Name"},
}
WITH_IDS = [label for label in OPERATIONS if "{" in label]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("label", WITH_IDS)
def test_an_id_beyond_any_stored_one_is_not_found_not_a_server_error(
    app, api, client, label, value
):
    method, template = label.split(" ", 1)
    path = template.format(room_id=value, message_id=value, user_id=value, session_id=value)
    admin = sign_in(app, api.create_user(role="admin"))

    response = client.open(path, method=method, json=BODIES.get(label), headers=admin.headers)

    assert error_of(response, 404)["code"] in {
        "not_found",
        "room_not_found",
        "message_not_found",
        "user_not_found",
        "session_not_found",
    }
