"""The database goes away in the instant after a message is committed: the sender must not
be told it failed (it was stored, and broadcast), and a retry with the same client_id must
find it rather than store it twice.

This holds because the session does not expire objects on commit (extensions.py): the answer
is built without going back to the database. A COMMIT whose confirmation is lost on the wire
is the one case left, and the client_id retry covers it (tests/reliability/test_durability).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from chat.clients import history
from papo.server.extensions import db


@contextmanager
def database_lost_after_commit(app) -> Iterator[None]:
    """Every statement after the next COMMIT fails as if the server had gone away."""
    with app.app_context():
        engine = db.engine
    lost = {"now": False}

    def on_commit(_connection) -> None:
        lost["now"] = True

    def before_execute(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if lost["now"]:
            raise OperationalError(statement, parameters, ConnectionError("server went away"))

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", before_execute)


def send_over_socket(connect, member, general):
    return connect(member).call("send_message", {"message": "once", "client_id": "c-1"})


def send_over_rest(client, member, general):
    body = {"message": "once", "client_id": "c-1"}
    return client.post(f"/rooms/{general}/messages", json=body, headers=member.headers)


def test_a_committed_socket_message_is_acknowledged_ok(app, connect, member, general):
    with database_lost_after_commit(app):
        ack = send_over_socket(connect, member, general)

    assert ack["ok"] is True, ack


def test_a_committed_rest_message_is_answered_201(app, client, member, general):
    with database_lost_after_commit(app):
        response = send_over_rest(client, member, general)

    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("path", ["socket", "rest"])
def test_a_retry_after_a_lost_answer_finds_the_stored_message(
    app, client, connect, member, general, path
):
    with database_lost_after_commit(app):
        if path == "socket":
            send_over_socket(connect, member, general)
        else:
            send_over_rest(client, member, general)

    retried = connect(member).call("send_message", {"message": "once", "client_id": "c-1"})

    assert retried["ok"] is True and retried["duplicate"] is True
    assert [m["message"] for m in history(client, member, general, after=0)] == ["once"]
