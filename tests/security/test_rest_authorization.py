"""Who may call each rooms and messages route, on a public and a private room.

tests/server/test_permissions.py holds the users and sessions routes; this is the rest of
the API. Columns follow security.cast.ACTORS: anonymous, outsider (in neither room), member
(in both), creator (of both), admin (in neither), deactivated (token kept, account off).
Private rooms are 404 to everyone outside them, admins included: they do not exist for you.
"""

import pytest

from security.cast import ACTORS, SQLITE_ONLY
from support.errors import error_of

pytestmark = SQLITE_ONLY

# route: body, then the status for each actor on the public room and on the private room.
# {room} is the room, {message} the member's message in it, {member}/{target} user ids.
ROUTES = {
    "GET /rooms/{room}": (
        None,
        (401, 200, 200, 200, 200, 401),
        (401, 404, 200, 200, 404, 401),
    ),
    "PATCH /rooms/{room}": (
        {"topic": "new topic"},
        (401, 403, 403, 200, 200, 401),
        (401, 404, 403, 200, 404, 401),
    ),
    "DELETE /rooms/{room}": (
        None,
        (401, 403, 403, 204, 204, 401),
        (401, 404, 403, 204, 404, 401),
    ),
    "POST /rooms/{room}/join": (
        None,
        (401, 200, 200, 200, 200, 401),
        (401, 404, 200, 200, 404, 401),
    ),
    "POST /rooms/{room}/leave": (
        None,
        (401, 204, 204, 204, 204, 401),
        (401, 404, 204, 204, 404, 401),
    ),
    "GET /rooms/{room}/members": (
        None,
        (401, 200, 200, 200, 200, 401),
        (401, 404, 200, 200, 404, 401),
    ),
    "POST /rooms/{room}/members": (
        {"user_id": "{target}"},
        (401, 403, 403, 204, 204, 401),
        (401, 404, 403, 204, 404, 401),
    ),
    "DELETE /rooms/{room}/members/{member}": (
        None,
        (401, 403, 204, 204, 204, 401),
        (401, 404, 204, 204, 404, 401),
    ),
    "GET /rooms/{room}/messages": (
        None,
        (401, 200, 200, 200, 200, 401),
        (401, 404, 200, 200, 404, 401),
    ),
    "POST /rooms/{room}/messages": (
        {"message": "hello"},
        (401, 403, 201, 201, 403, 401),
        (401, 404, 201, 201, 404, 401),
    ),
    "PATCH /messages/{message}": (
        {"message": "changed"},
        (401, 403, 200, 403, 200, 401),
        (401, 404, 200, 403, 404, 401),
    ),
    "DELETE /messages/{message}": (
        None,
        (401, 403, 204, 403, 204, 401),
        (401, 404, 204, 403, 404, 401),
    ),
}
# Routes that name no existing room: the same for everyone signed in.
GLOBAL_ROUTES = {
    "GET /rooms": (None, (401, 200, 200, 200, 200, 401)),
    "POST /rooms": ({"name": "fresh"}, (401, 201, 201, 201, 201, 401)),
    "POST /rooms/direct": ({"user_id": "{target}"}, (401, 200, 200, 200, 200, 401)),
}
REFUSAL_CODES = {
    401: {"token_missing", "token_invalid"},
    403: {"forbidden", "not_a_member"},
    404: {"room_not_found", "message_not_found"},
}
CASES = [
    pytest.param(route, kind, actor, status, id=f"{route} {kind} as {actor}")
    for route, (_body, *by_kind) in ROUTES.items()
    for kind, statuses in zip(("public", "private"), by_kind, strict=True)
    for actor, status in zip(ACTORS, statuses, strict=True)
] + [
    pytest.param(route, None, actor, status, id=f"{route} as {actor}")
    for route, (_body, statuses) in GLOBAL_ROUTES.items()
    for actor, status in zip(ACTORS, statuses, strict=True)
]


def request_for(cast, route, kind):
    """The method, path and body of `route` on the room of `kind`."""
    body, *_ = {**ROUTES, **GLOBAL_ROUTES}[route]
    names = {
        "room": cast.room(kind) if kind else None,
        "message": cast.message(kind) if kind else None,
        "member": cast.people["member"].id,
        "target": cast.target.id,
    }
    method, path = route.split()
    if body is not None:
        body = {k: int(v.format(**names)) if v == "{target}" else v for k, v in body.items()}
    return method, path.format(**names), body


@pytest.mark.parametrize(("route", "kind", "actor", "status"), CASES)
def test_each_caller_gets_what_the_rules_allow(client, cast, route, kind, actor, status):
    method, path, body = request_for(cast, route, kind)
    if actor == "deactivated":
        cast.deactivate()

    response = client.open(path, method=method, json=body, headers=cast.headers(actor))

    if status < 400:
        assert response.status_code == status, response.get_json()
    else:
        assert error_of(response, status)["code"] in REFUSAL_CODES[status]


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.startswith("GET")])
@pytest.mark.parametrize("actor", ["outsider", "admin"])
def test_a_refused_change_to_a_private_room_changes_nothing(client, cast, route, actor):
    method, path, body = request_for(cast, route, "private")
    member = cast.people["member"]
    before = client.get(f"/rooms/{cast.private}/messages", headers=member.headers).get_json()
    members_before = client.get(f"/rooms/{cast.private}/members", headers=member.headers)

    client.open(path, method=method, json=body, headers=cast.headers(actor))

    after = client.get(f"/rooms/{cast.private}/messages", headers=member.headers).get_json()
    members_after = client.get(f"/rooms/{cast.private}/members", headers=member.headers)
    assert after == before
    assert members_after.get_json() == members_before.get_json()
    room = client.get(f"/rooms/{cast.private}", headers=member.headers).get_json()
    assert (room["name"], room["topic"]) == ("private", "")
