"""Who may do what: every route against every kind of caller, and the rules behind it."""

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update

from papo.server.extensions import db
from papo.server.models import AuthSession, User
from support.accounts import PASSWORD, Account, Api
from support.errors import error_of

ACTORS = ("anonymous", "self", "other member", "admin", "deactivated")

# route: (body, expected status for each of ACTORS). {id} is a member, "the target";
# {session} is the target's session. "self" is the target itself.
NEW_USER = {"username": "created", "password": PASSWORD, "name": "Created"}
ROUTES = {
    "GET /users": (None, (401, 200, 200, 200, 401)),
    "POST /users": (NEW_USER, (401, 403, 403, 201, 401)),
    "GET /users/{id}": (None, (401, 200, 200, 200, 401)),
    "PUT /users/{id}": ({"name": "Renamed", "age": 20}, (401, 200, 403, 200, 401)),
    "PUT /users/{id} role": ({"name": "Renamed", "role": "admin"}, (401, 403, 403, 200, 401)),
    "PATCH /users/{id}": ({"name": "Renamed"}, (401, 200, 403, 200, 401)),
    "PATCH /users/{id} age": ({"age": 33}, (401, 200, 403, 200, 401)),
    "PATCH /users/{id} role": ({"role": "admin"}, (401, 403, 403, 200, 401)),
    "PATCH /users/{id} active": ({"active": False}, (401, 403, 403, 200, 401)),
    "DELETE /users/{id}": (None, (401, 403, 403, 204, 401)),
    "GET /auth/me": (None, (401, 200, 200, 200, 401)),
    "POST /auth/logout": (None, (401, 204, 204, 204, 401)),
    "GET /auth/sessions": (None, (401, 200, 200, 200, 401)),
    "DELETE /auth/sessions": (None, (401, 204, 204, 204, 401)),
    "DELETE /auth/sessions/{session}": (None, (401, 204, 404, 404, 401)),
}
CASES = [
    pytest.param(route, actor, status, id=f"{route} as {actor}")
    for route, (_, statuses) in ROUTES.items()
    for actor, status in zip(ACTORS, statuses, strict=True)
]


@dataclass
class Cast:
    """The target member and whoever calls the route."""

    target: Account
    headers: dict[str, str]


def deactivate_behind_the_apis_back(app, account: Account) -> None:
    """Mark the account inactive but keep its sessions, as if a revocation were missed."""
    with app.app_context():
        db.session.execute(update(User).where(User.id == account.id).values(active=False))
        db.session.commit()


def cast_for(app, api: Api, actor: str, *, target_signed_in: bool = False) -> Cast:
    target = api.create_user(username="target")
    if target_signed_in or actor == "self":
        target = api.login(target)
    caller = {
        "anonymous": lambda: None,
        "self": lambda: target,
        "other member": lambda: api.member(username="other"),
        "admin": lambda: api.admin(username="root"),
        "deactivated": lambda: api.member(username="gone"),
    }[actor]()
    if actor == "deactivated":
        deactivate_behind_the_apis_back(app, caller)
    return Cast(target=target, headers=caller.headers if caller else {})


@pytest.mark.parametrize(("route", "actor", "status"), CASES)
def test_route_answers_each_kind_of_caller(app, client, api, route, actor, status):
    cast = cast_for(app, api, actor, target_signed_in="{session}" in route)
    method, path = route.split()[:2]
    path = path.format(id=cast.target.id, session=cast.target.session_id)

    response = client.open(path, method=method, json=ROUTES[route][0], headers=cast.headers)

    if status >= 400:
        error_of(response, status)
    else:
        assert response.status_code == status, response.get_json()


@pytest.mark.parametrize("actor", ["anonymous", "deactivated"])
def test_callers_without_a_live_session_get_the_reason(app, client, api, actor):
    cast = cast_for(app, api, actor)
    expected = "token_missing" if actor == "anonymous" else "token_invalid"

    error_of(client.get("/users", headers=cast.headers), 401, expected)


# --- What members may change about themselves ------------------------------------------------


def test_a_member_edits_its_own_name_and_age(client, member):
    body = {"name": "Alice M.", "age": 28}

    response = client.patch(f"/users/{member.id}", json=body, headers=member.headers)

    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["age"]) == ("Alice M.", 28)


@pytest.mark.parametrize("change", [{"role": "admin"}, {"active": False}, {"role": "member"}])
def test_a_member_may_not_change_its_own_role_or_state(client, member, change):
    response = client.patch(f"/users/{member.id}", json=change, headers=member.headers)

    error_of(response, 403, "forbidden")


def test_a_refused_change_changes_nothing(client, member):
    body = {"name": "Sneaky", "role": "admin"}

    client.patch(f"/users/{member.id}", json=body, headers=member.headers)

    user = client.get(f"/users/{member.id}", headers=member.headers).get_json()
    assert (user["name"], user["role"]) == ("Alice Martin", "member")


def test_a_member_may_not_edit_another_member(client, api, member):
    other = api.create_user(name="Other")

    response = client.patch(f"/users/{other.id}", json={"name": "Hacked"}, headers=member.headers)

    error_of(response, 403, "forbidden")


def test_an_admin_promotes_a_member_who_then_acts_as_admin(client, api, admin, member):
    client.patch(f"/users/{member.id}", json={"role": "admin"}, headers=admin.headers)

    body = {"username": "byalice", "password": PASSWORD, "name": "By Alice"}
    assert client.post("/users", json=body, headers=member.headers).status_code == 201


# --- The last admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "body"),
    [("DELETE", None), ("PATCH", {"role": "member"}), ("PATCH", {"active": False})],
    ids=["delete", "demote", "deactivate"],
)
def test_the_last_active_admin_cannot_be_removed(client, admin, method, body):
    response = client.open(f"/users/{admin.id}", method=method, json=body, headers=admin.headers)

    error_of(response, 409, "last_admin")
    me = client.get("/auth/me", headers=admin.headers).get_json()
    assert (me["role"], me["active"]) == ("admin", True)


def test_put_cannot_demote_the_last_admin(client, admin):
    body = {"name": "Root", "role": "member"}

    error_of(client.put(f"/users/{admin.id}", json=body, headers=admin.headers), 409, "last_admin")


def test_an_inactive_admin_does_not_count_as_another_admin(client, api, admin):
    api.create_user(role="admin", active=False)

    response = client.patch(f"/users/{admin.id}", json={"role": "member"}, headers=admin.headers)

    error_of(response, 409, "last_admin")


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [("DELETE", None, 204), ("PATCH", {"role": "member"}, 200), ("PATCH", {"active": False}, 200)],
    ids=["delete", "demote", "deactivate"],
)
def test_an_admin_can_be_removed_while_another_remains(client, api, admin, method, body, status):
    second = api.admin()

    response = client.open(f"/users/{second.id}", method=method, json=body, headers=admin.headers)

    assert response.status_code == status


def test_an_admin_may_step_down_while_another_admin_remains(client, api, admin):
    api.create_user(role="admin")

    response = client.patch(f"/users/{admin.id}", json={"role": "member"}, headers=admin.headers)

    assert response.status_code == 200
    assert response.get_json()["role"] == "member"


def test_an_inactive_admin_may_be_deleted_by_the_last_active_one(client, api, admin):
    dormant = api.create_user(role="admin", active=False)

    assert client.delete(f"/users/{dormant.id}", headers=admin.headers).status_code == 204


def test_setting_the_last_admin_active_again_is_allowed(client, admin):
    body = {"active": True, "role": "admin"}

    assert client.patch(f"/users/{admin.id}", json=body, headers=admin.headers).status_code == 200


# --- Deactivation -----------------------------------------------------------------------------


def count_sessions(app, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).where(AuthSession.user_id == user_id))


def test_deactivating_a_user_ends_all_its_sessions(app, client, api, admin, member):
    second = api.login(member)

    response = client.patch(f"/users/{member.id}", json={"active": False}, headers=admin.headers)

    assert response.get_json()["active"] is False
    for account in (member, second):
        error_of(client.get("/auth/me", headers=account.headers), 401, "token_invalid")
    assert count_sessions(app, member.id) == 0


def test_a_deactivated_user_cannot_sign_in_until_reactivated(client, api, admin, member):
    client.patch(f"/users/{member.id}", json={"active": False}, headers=admin.headers)
    credentials = {"username": member.username, "password": member.password}
    error_of(client.post("/auth/login", json=credentials), 401, "invalid_credentials")

    client.patch(f"/users/{member.id}", json={"active": True}, headers=admin.headers)

    assert client.post("/auth/login", json=credentials).status_code == 200


def test_a_deactivated_user_is_still_listed(client, admin, member):
    client.patch(f"/users/{member.id}", json={"active": False}, headers=admin.headers)

    user = client.get(f"/users/{member.id}", headers=admin.headers).get_json()

    assert user["active"] is False
