"""Signed-in sessions: /auth/me, logout, listing and ending sessions, and their expiry."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from papo.server.errors import ApiError
from papo.server.extensions import db
from papo.server.models import AuthSession, utcnow
from papo.server.services import sessions
from papo.server.transaction import unit_of_work
from support.errors import error_of

MAX_INTEGER = 2**31 - 1  # PostgreSQL INTEGER, the type of every id


def count_sessions(app, user_id):
    with app.app_context():
        query = select(func.count()).where(AuthSession.user_id == user_id)
        return db.session.scalar(query)


def test_me_returns_the_signed_in_user(client, member):
    response = client.get("/auth/me", headers=member.headers)

    assert response.status_code == 200
    assert response.get_json()["id"] == member.id
    assert response.get_json()["username"] == member.username


def test_me_without_a_token_is_401_token_missing(client):
    response = client.get("/auth/me")

    error_of(response, 401, "token_missing")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization", ["Bearer not-a-token", "Bearer " + "x" * 43, "Bearer ☃"], ids=repr
)
def test_an_unknown_token_is_401_token_invalid(client, authorization):
    error_of(client.get("/auth/me", headers={"Authorization": authorization}), 401, "token_invalid")


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Bearer", "token abc"])
def test_an_authorization_that_is_not_a_bearer_token_is_token_missing(client, authorization):
    error_of(client.get("/auth/me", headers={"Authorization": authorization}), 401, "token_missing")


def test_logout_answers_204_with_no_body(client, member):
    response = client.post("/auth/logout", headers=member.headers)

    assert response.status_code == 204
    assert response.get_data() == b""


def test_a_token_stops_working_at_once_after_logout(client, member):
    client.post("/auth/logout", headers=member.headers)

    error_of(client.get("/auth/me", headers=member.headers), 401, "token_invalid")


def test_logout_ends_only_this_session(client, api, member):
    other = api.login(member)

    client.post("/auth/logout", headers=member.headers)

    assert client.get("/auth/me", headers=other.headers).status_code == 200


def test_sessions_are_listed_newest_first_with_the_current_one_marked(client, api, member):
    newer = api.login(member, headers={"User-Agent": "PapoDesktop/1.0"})

    response = client.get("/auth/sessions", headers=newer.headers)

    assert response.status_code == 200
    listed = response.get_json()
    assert [s["id"] for s in listed] == [newer.session_id, member.session_id]
    assert [s["current"] for s in listed] == [True, False]
    assert listed[0]["user_agent"] == "PapoDesktop/1.0"
    assert listed[0]["ip_address"] == "127.0.0.1"
    assert {"created_at", "last_used_at", "expires_at"} <= set(listed[0])


def test_sessions_list_only_the_users_own(client, api, member):
    api.member()

    listed = client.get("/auth/sessions", headers=member.headers).get_json()

    assert [s["id"] for s in listed] == [member.session_id]


def test_ending_one_session_revokes_its_token(client, api, member):
    other = api.login(member)

    response = client.delete(f"/auth/sessions/{other.session_id}", headers=member.headers)

    assert response.status_code == 204
    error_of(client.get("/auth/me", headers=other.headers), 401, "token_invalid")
    assert client.get("/auth/me", headers=member.headers).status_code == 200


def test_a_user_may_end_the_session_it_is_using(client, member):
    response = client.delete(f"/auth/sessions/{member.session_id}", headers=member.headers)

    assert response.status_code == 204
    error_of(client.get("/auth/me", headers=member.headers), 401, "token_invalid")


@pytest.mark.parametrize("session_id", [123456, 2**31 - 1, 2**31, 99999999999999])
def test_ending_a_session_that_does_not_exist_is_404(client, member, session_id):
    response = client.delete(f"/auth/sessions/{session_id}", headers=member.headers)

    error_of(response, 404, "session_not_found")


def test_ending_someone_elses_session_is_404_and_leaves_it(client, api, member):
    other = api.member()

    response = client.delete(f"/auth/sessions/{other.session_id}", headers=member.headers)

    error_of(response, 404, "session_not_found")
    assert client.get("/auth/me", headers=other.headers).status_code == 200


def test_ending_the_other_sessions_keeps_this_one(app, client, api, member):
    second, third = api.login(member), api.login(member)

    response = client.delete("/auth/sessions", headers=second.headers)

    assert response.status_code == 204
    error_of(client.get("/auth/me", headers=member.headers), 401, "token_invalid")
    error_of(client.get("/auth/me", headers=third.headers), 401, "token_invalid")
    assert client.get("/auth/me", headers=second.headers).status_code == 200
    assert count_sessions(app, member.id) == 1


def test_ending_the_other_sessions_spares_other_users(client, api, member):
    other = api.member()

    client.delete("/auth/sessions", headers=member.headers)

    assert client.get("/auth/me", headers=other.headers).status_code == 200


# --- Expiry -----------------------------------------------------------------------------------


def resolve_at(app, token, later):
    """Resolve `token` as if `later` had passed since now, as a request signs in (its own unit
    of work); return the session's id."""
    with app.app_context(), unit_of_work(keep_on=(ApiError,)):
        return sessions.resolve(token, now=utcnow() + later).id


@pytest.mark.app_config(token_idle_minutes=10)
def test_a_session_idle_for_longer_than_the_idle_limit_expires(app, member):
    with pytest.raises(ApiError) as refused:
        resolve_at(app, member.token, timedelta(minutes=10, seconds=1))

    assert (refused.value.status_code, refused.value.code) == (401, "token_expired")


@pytest.mark.app_config(token_idle_minutes=10)
def test_a_session_used_within_the_idle_limit_stays_alive(app, member):
    for minutes in (9, 18, 27):  # each use moves the idle deadline on
        assert resolve_at(app, member.token, timedelta(minutes=minutes)) == member.session_id


@pytest.mark.app_config(token_idle_minutes=60 * 24 * 365, token_max_days=2)
def test_a_session_ends_at_its_absolute_expiry_however_much_it_is_used(app, member):
    for hours in range(12, 48, 12):
        resolve_at(app, member.token, timedelta(hours=hours))

    with pytest.raises(ApiError) as refused:
        resolve_at(app, member.token, timedelta(days=2, seconds=1))

    assert refused.value.code == "token_expired"


@pytest.mark.app_config(token_max_days=0)
def test_an_expired_token_is_answered_401_token_expired(client, member):
    error_of(client.get("/auth/me", headers=member.headers), 401, "token_expired")


@pytest.mark.app_config(token_idle_minutes=0)
def test_an_idle_token_is_answered_401_token_expired(client, member):
    error_of(client.get("/auth/me", headers=member.headers), 401, "token_expired")


def test_an_idle_session_found_on_a_request_is_refused_and_removed(app, client, member):
    idle = timedelta(minutes=app.extensions["papo"].config.token_idle_minutes)
    with app.app_context():
        db.session.execute(
            update(AuthSession)
            .where(AuthSession.id == member.session_id)
            .values(last_used_at=utcnow() - idle - timedelta(seconds=1))
        )
        db.session.commit()

    error_of(client.get("/auth/me", headers=member.headers), 401, "token_expired")
    assert count_sessions(app, member.id) == 0
    error_of(client.get("/auth/me", headers=member.headers), 401, "token_invalid")


def test_expires_at_is_the_token_lifetime_after_login(app, client, api):
    account = api.create_user()
    before = utcnow()

    body = api.client.post(
        "/auth/login", json={"username": account.username, "password": account.password}
    ).get_json()

    max_days = app.extensions["papo"].config.token_max_days
    with app.app_context():
        stored = db.session.scalar(select(AuthSession.expires_at).order_by(AuthSession.id.desc()))
    assert before + timedelta(days=max_days) <= stored <= utcnow() + timedelta(days=max_days)
    assert body["expires_at"] == stored.isoformat()
