"""Fixtures for the chat: Socket.IO test connections, rooms, and real servers with real clients.

Handler logic runs through Flask-SocketIO's test client on both databases (the `app` fixture).
End-to-end tests run python-socketio clients over WebSocket against `papo serve` (gevent)
on a loopback port: one server shared by the session, or one of the test's own when it
restarts or kills it.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from sqlalchemy import select

from chat.clients import LIVE_BURST, Connection, LiveApi, LiveClient
from papo.server.extensions import db, socketio
from papo.server.models import Message, Room
from support.accounts import Account
from support.live_server import LiveServer
from support.threads import threads_left_since

LIVE_ENV = {"PAPO_MESSAGE_RATE": "0.5", "PAPO_MESSAGE_BURST": str(LIVE_BURST)}


# --- Handler logic: Flask-SocketIO's test client on the `app` fixture ------------------------


@pytest.fixture
def connect(app: APIFlask, client) -> Iterator[Callable[..., Connection]]:
    """Factory: `connect(account)` opens a Socket.IO test connection with the account's token.

    `auth=` replaces the auth object (to connect with a bad token, or none).
    """
    opened: list[Connection] = []

    def open_(account: Account, *, auth: Any = None) -> Connection:
        auth = {"token": account.token} if auth is None else auth
        tc = socketio.test_client(app, auth=auth, flask_test_client=client)
        connection = Connection(tc, account)
        opened.append(connection)
        return connection

    yield open_
    for connection in opened:
        connection.close()


@pytest.fixture
def general(app: APIFlask) -> int:
    """The id of the room `general`, which the migrations create."""
    with app.app_context():
        return db.session.scalar(select(Room.id).where(Room.name == "general"))


@pytest.fixture
def new_room(client) -> Callable[..., dict[str, Any]]:
    """Factory: `new_room(owner, private=False)` creates a channel through POST /rooms."""
    numbers = itertools.count(1)

    def create(owner: Account, *, private: bool = False, **fields: Any) -> dict[str, Any]:
        body = {"name": f"room-{next(numbers)}", "private": private, **fields}
        response = client.post("/rooms", json=body, headers=owner.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def fill(app: APIFlask) -> Callable[[Account, int, int], list[int]]:
    """Factory: `fill(author, room_id, count)` stores `count` messages at once; returns their ids.

    One transaction for the lot, keeping what messages.send keeps: the room's seq counter,
    its last message id, and ids growing with seq.
    """

    def store(author: Account, room_id: int, count: int) -> list[int]:
        with app.app_context():
            room = db.session.get(Room, room_id)
            rows = [
                Message(room_id=room_id, seq=room.last_seq + n, author_id=author.id, body=f"m{n}")
                for n in range(1, count + 1)
            ]
            db.session.add_all(rows)
            db.session.flush()
            room.last_seq += count
            room.last_message_id = rows[-1].id
            db.session.commit()
            return [row.id for row in rows]

    return store


@pytest.fixture
def bob(api) -> Account:
    """A second signed-in member."""
    return api.member(username="bob", name="Bob Stone")


@pytest.fixture
def carol(api) -> Account:
    """A third signed-in member."""
    return api.member(username="carol", name="Carol Dia")


# --- Live servers ---------------------------------------------------------------------------


def _sqlite_env(instance: Path) -> dict[str, str]:
    return {**LIVE_ENV, "DATABASE_URL": f"sqlite:///{instance / 'papo.sqlite3'}"}


@pytest.fixture(scope="session")
def shared_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server (SQLite) for the session's end-to-end tests that leave it running."""
    instance = tmp_path_factory.mktemp("live")
    server = LiveServer(instance, env=_sqlite_env(instance)).start()
    yield server
    server.stop()


def _log_since(server: LiveServer, offset: int) -> str:
    return server.log()[offset:]


@pytest.fixture
def live_server(shared_live_server: LiveServer) -> Iterator[LiveServer]:
    """The shared real server; the test fails if the server logged a traceback meanwhile."""
    offset = len(shared_live_server.log())
    yield shared_live_server
    assert "Traceback" not in _log_since(shared_live_server, offset)


@pytest.fixture
def server_log(live_server: LiveServer) -> Callable[[], str]:
    """What the live server has logged since this test began."""
    offset = len(live_server.log())
    return lambda: _log_since(live_server, offset)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="live-sqlite"),
        pytest.param("postgresql", id="live-postgresql", marks=pytest.mark.postgres),
    ]
)
def own_live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A real server of this test's own, on SQLite or on a new PostgreSQL database."""
    instance = tmp_path / "live"
    if request.param == "sqlite":
        server = LiveServer(instance, env=_sqlite_env(instance))
        yield from _running(server)
        return
    postgres = request.getfixturevalue("postgres_server")
    dbname = f"papo_live_{secrets.token_hex(4)}"
    with postgres.janitor(dbname):
        env = {**LIVE_ENV, "DATABASE_URL": postgres.url(dbname)}
        yield from _running(LiveServer(instance, env=env))


def _running(server: LiveServer) -> Iterator[LiveServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert "Traceback" not in server.log()


@pytest.fixture
def live_api(live_server: LiveServer) -> LiveApi:
    """REST calls and accounts on the shared live server."""
    return LiveApi(live_server.url)


@pytest.fixture
def own_live_api(own_live_server: LiveServer) -> LiveApi:
    """REST calls and accounts on this test's own live server."""
    return LiveApi(own_live_server.url)


@pytest.fixture
def live_client(request: pytest.FixtureRequest) -> Iterator[Callable[..., LiveClient]]:
    """Factory of real python-socketio clients over WebSocket, all closed at teardown.

    `live_client(account)` connects to the shared live server; `server=` picks another,
    `reconnection=True` lets the client reconnect by itself, `auth=` replaces the auth object,
    `connect=False` returns it unconnected. At teardown, no client thread may outlive them.
    """
    before = set(threading.enumerate())
    made: list[LiveClient] = []

    def make(
        account: Account | None = None,
        *,
        server: LiveServer | None = None,
        reconnection: bool = False,
        auth: dict[str, Any] | None = None,
        connect: bool = True,
    ) -> LiveClient:
        server = server or request.getfixturevalue("live_server")
        auth = {"token": account.token} if auth is None else auth
        made.append(LiveClient(server.url, auth, reconnection=reconnection))
        return made[-1].connect() if connect else made[-1]

    yield make
    for live in made:
        live.close()
    assert threads_left_since(before) == []
