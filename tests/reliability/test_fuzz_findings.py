"""What the fuzzers found, kept as plain regression tests that run on both databases."""

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
HUGE_ROOM_ID = (
    "POST /rooms/<id>/messages now looks the room up with "
    "services/rooms.find_for_writing, which, unlike get_visible, does not bound the id: on "
    "PostgreSQL an id above 2**31-1 is a DataError (integer out of range), on SQLite one "
    "above 2**63-1 an OverflowError, both a 500 internal_error. Found by the slow API fuzz. "
    "Fix: in find_for_writing, `if isinstance(ref, int) and not 0 < ref <= MAX_ID: raise "
    "missing` before the query."
)


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("label", WITH_IDS)
def test_an_id_beyond_any_stored_one_is_not_found_not_a_server_error(
    request, app, api, client, backend, label, value
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
