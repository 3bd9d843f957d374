"""Tokens die the moment they are revoked: REST refuses them on the next request, live
WebSocket connections opened with them are closed, and they cannot open new ones.

The chat suite checks each revocation with the Flask-SocketIO test client; this is the same
table against a real gevent server and real python-socketio clients.
"""

import subprocess
import sys

import pytest
import socketio

from support.accounts import PASSWORD, Account

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(scope="module")
def admin_name(shared_live_server) -> str:
    """An admin made once with `papo create-admin` on the live server's database."""
    username = "revoker"
    done = subprocess.run(
        [sys.executable, "-m", "papo.cli", "create-admin", "--username", username,
         "--password-stdin"],
        input=PASSWORD + "\n", env=shared_live_server.env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return username


def sign_in(live_api, username) -> Account:
    """A new session for `username`."""
    response = live_api.request(
        "POST", "/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(body["user"]["id"], username, PASSWORD, token=body["token"])


def other_session_id(live_api, account, other):
    """The id of `account`'s session that is not the one `other` uses."""
    listed = live_api.request("GET", "/auth/sessions", other).json()
    return next(s["id"] for s in listed if not s["current"])


def revoke(how, live_api, victim, admin_name):
    """Revoke `victim`'s token in the way named `how`; return the response."""
    second = live_api.login(victim)
    if how == "logout":
        return live_api.request("POST", "/auth/logout", victim)
    if how == "session ended from another":
        session = other_session_id(live_api, victim, second)
        return live_api.request("DELETE", f"/auth/sessions/{session}", second)
    if how == "other sessions ended":
        return live_api.request("DELETE", "/auth/sessions", second)
    if how == "own password changed elsewhere":
        body = {"password": NEW_PASSWORD, "current_password": PASSWORD}
        return live_api.request("PATCH", f"/users/{victim.id}", second, json=body)
    admin = sign_in(live_api, admin_name)
    change = {
        "password set by an admin": ("PATCH", {"password": NEW_PASSWORD}),
        "deactivation": ("PATCH", {"active": False}),
        "deletion": ("DELETE", None),
    }[how]
    return live_api.request(change[0], f"/users/{victim.id}", admin, json=change[1])


REVOCATIONS = [
    "logout",
    "session ended from another",
    "other sessions ended",
    "own password changed elsewhere",
    "password set by an admin",
    "deactivation",
    "deletion",
]


@pytest.mark.parametrize("how", REVOCATIONS)
def test_a_revoked_token_stops_at_once_everywhere(live_api, live_client, admin_name, how):
    victim = live_api.member()
    connection = live_client(victim)

    revoked = revoke(how, live_api, victim, admin_name)

    assert revoked.status_code < 300, revoked.text
    me = live_api.request("GET", "/auth/me", victim)
    assert (me.status_code, me.json()["error"]["code"]) == (401, "token_invalid")
    connection.wait_for(lambda: not connection.connected)
    again = live_client(victim, connect=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect()


@pytest.mark.parametrize("how", ["own password changed elsewhere", "other sessions ended"])
def test_the_session_that_revoked_the_others_keeps_working(live_api, live_client, how):
    victim = live_api.member()
    keeper = live_api.login(victim)
    kept = live_client(keeper)
    if how == "other sessions ended":
        live_api.request("DELETE", "/auth/sessions", keeper)
    else:
        body = {"password": NEW_PASSWORD, "current_password": PASSWORD}
        live_api.request("PATCH", f"/users/{victim.id}", keeper, json=body)

    assert live_api.request("GET", "/auth/me", keeper).status_code == 200
    assert kept.call("who_is_online", {})["ok"] is True
