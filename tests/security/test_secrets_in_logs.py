"""No password, password hash or token ever reaches a log line or a response it does not
belong to, through a whole life: sign-up, sign-in, chat, failures, password change, sign-out.
"""

import json
import logging

import requests
from sqlalchemy import select

from chat.clients import LiveClient
from papo.server.extensions import db, socketio
from papo.server.models import User
from security.cast import SQLITE_ONLY
from support.accounts import PASSWORD
from support.live_server import LiveServer

NEW_PASSWORD = "the second secret phrase"
WRONG_PASSWORD = "not the right phrase"


class Recorder:
    """Every response body of a flow, and the secrets it handed out."""

    def __init__(self, send):
        self.send = send
        self.bodies: list[str] = []
        self.tokens: list[str] = []

    def __call__(self, method, path, token=None, **kw):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, body = self.send(method, path, headers, kw.get("json"))
        self.bodies.append(body)
        return status, body

    def sign_in(self, path, body) -> str:
        """POST credentials; keep and return the token (its own response may show it)."""
        status, text = self(path=path, method="POST", json=body)
        assert status in (200, 201), text
        token = json.loads(text)["token"]
        self.tokens.append(token)
        self.bodies.pop()  # the one response that is meant to carry this token
        return token


def full_life(call: Recorder, chat) -> None:
    """Everything a user does with secrets, successes and failures both."""
    ana = call.sign_in("/auth/register", {"username": "ana", "password": PASSWORD, "name": "Ana"})
    call.sign_in("/auth/login", {"username": "ana", "password": PASSWORD})
    call("POST", "/auth/login", json={"username": "ana", "password": WRONG_PASSWORD})
    call("POST", "/auth/login", json={"username": "nobody", "password": WRONG_PASSWORD})
    call("GET", "/auth/me", ana)
    call("GET", "/auth/sessions", ana)
    call("GET", "/users", ana)
    call("GET", "/auth/me", ana[::-1])  # a token-shaped guess
    chat(ana)
    call("POST", "/rooms/1/messages", ana, json={"message": "over REST"})
    call("PATCH", "/users/1", ana, json={"password": NEW_PASSWORD, "current_password": "wrong!"})
    call("PATCH", "/users/1", ana, json={"password": NEW_PASSWORD, "current_password": PASSWORD})
    again = call.sign_in("/auth/login", {"username": "ana", "password": NEW_PASSWORD})
    call("POST", "/auth/logout", again)
    call("GET", "/auth/me", again)


def secrets_of(call: Recorder, hashes: list[str]) -> list[str]:
    """What must never be logged, nor shown outside the response that issued it."""
    return [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, *call.tokens, *hashes]


@SQLITE_ONLY
def test_no_secret_in_any_log_record_or_response_in_process(app, client, caplog):
    caplog.set_level(logging.DEBUG)  # as PAPO_LOG_LEVEL=DEBUG would

    def send(method, path, headers, body):
        response = client.open(path, method=method, json=body, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    def chat(token):
        tc = socketio.test_client(app, auth={"token": token}, flask_test_client=client)
        call.bodies.append(repr(tc.emit("send_message", {"message": "hi"}, callback=True)))
        call.bodies.append(repr(tc.emit("no_such_event", {"token": "x"}, callback=True)))
        call.bodies.append(repr(tc.get_received()))
        tc.disconnect()

    call = Recorder(send)
    full_life(call, chat)
    with app.app_context():
        hashes = list(db.session.scalars(select(User.password_hash)))

    logged = "\n".join(caplog.text.splitlines() + [r.getMessage() for r in caplog.records])
    for secret in secrets_of(call, hashes):
        assert secret not in logged
        assert not any(secret in body for body in call.bodies)
    assert "$argon2" not in logged


def test_no_secret_in_a_real_servers_debug_log(tmp_path):
    instance = tmp_path / "live"
    env = {
        "DATABASE_URL": f"sqlite:///{instance / 'papo.sqlite3'}",
        "PAPO_LOG_LEVEL": "DEBUG",
    }
    server = LiveServer(instance, env=env).start()
    http = requests.Session()

    def send(method, path, headers, body):
        response = http.request(method, server.url + path, headers=headers, json=body, timeout=10)
        return response.status_code, response.text

    def chat(token):
        live = LiveClient(server.url, {"token": token}).connect()
        try:
            call.bodies.append(repr(live.call("send_message", {"message": "hi"})))
        finally:
            live.close()

    call = Recorder(send)
    try:
        full_life(call, chat)
    finally:
        server.stop()

    logged = server.log()
    assert "Traceback" not in logged
    for secret in secrets_of(call, hashes=[]):
        assert secret not in logged
    assert "$argon2" not in logged
