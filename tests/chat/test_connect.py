"""Connecting: the token is checked once, at connect; ending the session drops the connection."""

from datetime import timedelta

import pytest
import socketio
from sqlalchemy import create_engine, update

from papo.server.extensions import db
from papo.server.models import AuthSession, utcnow
from papo.server.realtime.hub import hub
from papo.server.security import token_digest
from support.accounts import PASSWORD


def expire(app, account):
    """Age the account's session past its absolute lifetime, as time would."""
    with app.app_context():
        past = utcnow() - timedelta(seconds=1)
        db.session.execute(
            update(AuthSession).where(AuthSession.id == account.session_id).values(expires_at=past)
        )
        db.session.commit()


def test_a_signed_in_user_connects(connect, member):
    assert connect(member).connected


@pytest.mark.parametrize(
    "auth",
    [{}, {"token": ""}, {"token": None}, {"token": 12345}, {"token": ["x"]}, "not-an-object"],
    ids=repr,
)
def test_a_connection_without_a_usable_token_is_refused(connect, member, auth):
    assert not connect(member, auth=auth).connected


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "☃", "x" * 10_000], ids=len)
def test_a_connection_with_an_unknown_token_is_refused(connect, member, token):
    assert not connect(member, auth={"token": token}).connected


def test_a_connection_with_a_signed_out_token_is_refused(connect, client, member):
    client.post("/auth/logout", headers=member.headers)

    assert not connect(member).connected


def test_a_connection_with_an_expired_token_is_refused(app, connect, member):
    expire(app, member)

    assert not connect(member).connected


def test_a_connection_of_a_deactivated_account_is_refused(connect, client, admin, member):
    client.patch(f"/users/{member.id}", json={"active": False}, headers=admin.headers)

    assert not connect(member).connected


def test_deactivating_a_user_drops_their_live_connections(connect, client, admin, member):
    first, second = connect(member), connect(member)

    response = client.patch(f"/users/{member.id}", json={"active": False}, headers=admin.headers)

    assert response.status_code == 200
    assert not first.connected
    assert not second.connected


def test_deactivating_a_user_leaves_other_users_connected(connect, client, admin, member, bob):
    bobs = connect(bob)

    client.patch(f"/users/{member.id}", json={"active": False}, headers=admin.headers)

    assert bobs.connected


def test_deleting_a_user_drops_their_live_connections(connect, client, admin, member):
    connection = connect(member)

    assert client.delete(f"/users/{member.id}", headers=admin.headers).status_code == 204
    assert not connection.connected


def test_logout_drops_the_connections_of_that_session(connect, client, member):
    connection = connect(member)

    client.post("/auth/logout", headers=member.headers)

    assert not connection.connected


def test_logout_keeps_the_connections_of_the_users_other_sessions(connect, client, api, member):
    elsewhere = connect(api.login(member))

    client.post("/auth/logout", headers=member.headers)

    assert elsewhere.connected


def test_ending_a_session_drops_its_connections(connect, client, api, member):
    laptop = api.login(member)
    on_laptop = connect(laptop)

    client.delete(f"/auth/sessions/{laptop.session_id}", headers=member.headers)

    assert not on_laptop.connected
    assert connect(member).connected


def test_a_password_change_drops_the_connections_of_the_users_other_sessions(
    connect, client, api, member
):
    here, elsewhere = connect(member), connect(api.login(member))
    change = {"password": "a brand new password", "current_password": PASSWORD}

    response = client.patch(f"/users/{member.id}", json=change, headers=member.headers)

    assert response.status_code == 200
    assert not elsewhere.connected
    assert here.connected


def test_a_password_set_by_an_admin_drops_every_connection_of_the_user(
    connect, client, admin, member
):
    connection = connect(member)

    client.patch(
        f"/users/{member.id}", json={"password": "set by the admin"}, headers=admin.headers
    )

    assert not connection.connected


def test_a_connection_that_outlives_its_session_is_refused_and_dropped(app, connect, member):
    connection = connect(member)
    with app.app_context():
        for conn in hub().conns.values():  # the session's end, as the connection holds it
            conn.expires_at = utcnow() - timedelta(seconds=1)

    ack = connection.call("who_is_online", {})

    assert ack["ok"] is False
    assert ack["error"]["code"] == "token_expired"
    assert not connection.connected


# --- End to end: what a real client is told when refused ----------------------------------


def expire_on_live_server(server, account):
    """Age the session in the live server's SQLite database, as time would."""
    engine = create_engine(f"sqlite:///{server.instance_dir / 'papo.sqlite3'}")
    try:
        with engine.begin() as connection:
            connection.execute(
                update(AuthSession)
                .where(AuthSession.token_hash == token_digest(account.token))
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
    finally:
        engine.dispose()


def refused_auth(case, live_server, live_api):
    """The auth object of each way to be refused, and the code that says why."""
    if case == "signed-out":
        account = live_api.member()
        live_api.request("POST", "/auth/logout", account)
        return {"token": account.token}, "token_invalid"
    if case == "expired":
        account = live_api.member()
        expire_on_live_server(live_server, account)
        return {"token": account.token}, "token_expired"
    return {
        "no-token": ({}, "token_missing"),
        "token-not-text": ({"token": 7}, "token_missing"),
        "unknown-token": ({"token": "not-a-token"}, "token_invalid"),
    }[case]


def refusal(live_client, auth):
    """Connect with `auth`; return the data of the connect_error the client received."""
    client = live_client(auth=auth, connect=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect()
    client.wait_for(lambda: client.refusals)
    assert not client.connected
    return client.refusals[0]


REFUSALS = ["no-token", "token-not-text", "unknown-token", "signed-out", "expired"]


@pytest.mark.parametrize("case", REFUSALS)
def test_a_real_client_is_refused(live_server, live_api, live_client, case):
    auth, _code = refused_auth(case, live_server, live_api)

    assert isinstance(refusal(live_client, auth), dict)


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_client_is_told_the_code_and_message_in_connect_error(
    live_server, live_api, live_client, case
):
    auth, code = refused_auth(case, live_server, live_api)

    data = refusal(live_client, auth)

    assert set(data) == {"code", "message"}
    assert data["code"] == code
    assert isinstance(data["message"], str) and data["message"]


def test_logout_disconnects_a_real_client(live_api, live_client):
    account = live_api.member()
    client = live_client(account)

    live_api.request("POST", "/auth/logout", account)

    client.wait_for(lambda: not client.connected)
