"""Membership changes and sign-outs racing live connections (issue 19), on a real server.

Each round releases its requests together with a `threading.Barrier`, then checks what the
database says against what the live sockets do. SQLite takes one writer at a time; PostgreSQL
is where these races were lost (figures in docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import socketio

from chat.clients import WAIT, LiveApi, LiveClient
from support.accounts import Account
from support.live_server import LiveServer

ROUNDS = 20
JOINERS = 3  # join requests in flight while the creator removes the member
CONNECTS = 40  # connections opened while their session signs out
LOGOUT_ROUNDS = 15
numbers = itertools.count(1)


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run every call in a thread of its own, all released at once; return their results."""
    start = threading.Barrier(len(calls), timeout=WAIT)

    def run(call: Callable[[], Any]) -> Any:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result(timeout=3 * WAIT) for future in [pool.submit(run, c) for c in calls]]


def rest(server: LiveServer, method: str, path: str, account: Account, **kw: Any) -> int:
    """One request on a connection of its own (a requests.Session is not for many threads)."""
    response = requests.request(
        method, server.url + path, headers=account.headers, timeout=WAIT, **kw
    )
    assert "Traceback" not in response.text
    return response.status_code


def members(api: LiveApi, owner: Account, room: int) -> list[int]:
    """The ids the database lists as the room's members."""
    response = api.request("GET", f"/rooms/{room}/members", owner)
    assert response.status_code == 200, response.text
    return [person["id"] for person in response.json()]


def receives(
    api: LiveApi, poster: Account, listener: Account, sockets: list[LiveClient], room: int, hub: int
) -> list[bool]:
    """Whether each of the listener's sockets receives a message `poster` posts in `room`: a
    second one, which the listener posts after it in `hub`, arrives after it, if at all."""
    marker, sentinel = f"m{next(numbers)}", f"s{next(numbers)}"
    sends = ((poster, room, marker), (listener, hub, sentinel))
    for author, where, text in sends:
        response = api.request("POST", f"/rooms/{where}/messages", author, json={"message": text})
        assert response.status_code == 201, response.text
    heard = []
    for socket in sockets:
        socket.wait_for(lambda socket=socket: sentinel in _texts(socket))
        heard.append(marker in _texts(socket))
    return heard


def _texts(socket: LiveClient) -> list[str]:
    return [message["message"] for message in socket.received("receive_message")]


def new_room(api: LiveApi, owner: Account, *, private: bool) -> int:
    """Create a channel as `owner`."""
    body = {"name": f"race-{next(numbers)}-{owner.id}", "private": private}
    response = api.request("POST", "/rooms", owner, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def no_traceback(server: LiveServer) -> None:
    """Fail if the server logged a traceback (also checked when the server stops)."""
    assert "Traceback" not in server.log(), server.log()[-3000:]


@pytest.fixture
def people(own_live_api: LiveApi) -> tuple[Account, Account, int]:
    """The creator of the rooms, Eve, and a room they both stay in (to send sentinels)."""
    owner, eve = own_live_api.member(), own_live_api.member()
    hub = new_room(own_live_api, owner, private=False)
    assert own_live_api.request("POST", f"/rooms/{hub}/join", eve).status_code == 200
    return owner, eve, hub


def test_a_member_removed_while_her_joins_are_in_flight_is_out_and_hears_nothing(
    own_live_server, own_live_api, live_client, people
):
    owner, eve, hub = people
    server, api = own_live_server, own_live_api
    eves = live_client(eve, server=server)
    refused = still_member = still_hearing = 0
    for _ in range(ROUNDS):
        room = new_room(api, owner, private=True)
        added = api.request("POST", f"/rooms/{room}/members", owner, json={"user_id": eve.id})
        assert added.status_code == 204, added.text
        eves.wait_for(
            lambda room=room: {"room": room, "member": True} in eves.received("membership")
        )
        answers = together(
            lambda room=room: rest(server, "DELETE", f"/rooms/{room}/members/{eve.id}", owner),
            *[lambda room=room: rest(server, "POST", f"/rooms/{room}/join", eve)] * JOINERS,
        )
        refused += answers[0] != 204 or not set(answers[1:]) <= {200, 403, 404}
        still_member += eve.id in members(api, owner, room)
        still_hearing += receives(api, owner, eve, [eves], room, hub)[0]
    assert (refused, still_member, still_hearing) == (0, 0, 0)
    no_traceback(server)


def test_adding_and_removing_at_once_leaves_sockets_as_the_database_says(
    own_live_server, own_live_api, live_client, people
):
    owner, eve, hub = people
    server, api = own_live_server, own_live_api
    eves = live_client(eve, server=server)
    room = new_room(api, owner, private=True)
    add = lambda: rest(server, "POST", f"/rooms/{room}/members", owner, json={"user_id": eve.id})  # noqa: E731
    remove = lambda: rest(server, "DELETE", f"/rooms/{room}/members/{eve.id}", owner)  # noqa: E731
    wrong = []
    for round_ in range(ROUNDS):
        answers = together(add, remove, add, remove)
        member = eve.id in members(api, owner, room)
        if receives(api, owner, eve, [eves], room, hub) != [member] or set(answers) != {204}:
            wrong.append((round_, member, answers))
    assert wrong == []
    no_traceback(server)


def test_two_sockets_and_two_requests_of_one_user_join_a_room_together(
    own_live_server, own_live_api, live_client, people
):
    owner, eve, hub = people
    server, api = own_live_server, own_live_api
    sockets = [live_client(eve, server=server) for _ in range(2)]
    wrong = []
    for round_ in range(ROUNDS):
        room = new_room(api, owner, private=False)
        answers = together(
            *[lambda s=s, room=room: s.call("join_room", {"room": room}) for s in sockets],
            *[lambda room=room: rest(server, "POST", f"/rooms/{room}/join", eve)] * 2,
        )
        heard = receives(api, owner, eve, sockets, room, hub)
        listed = members(api, owner, room).count(eve.id)
        expected = ([{"ok": True, "room": room}] * 2 + [200, 200], 1, [True, True])
        if (answers, listed, heard) != expected:
            wrong.append((round_, answers, listed, heard))
    assert wrong == []
    no_traceback(server)


def _try_connect(client: LiveClient) -> None:
    with contextlib.suppress(socketio.exceptions.ConnectionError):  # refused: signed out
        client.connect()


def _still_alive(client: LiveClient) -> bool:
    """True when the server still answers the client's events."""
    if not client.connected:
        return False
    try:
        return client.call("who_is_online", {})["ok"] is True
    except (socketio.exceptions.DisconnectedError, socketio.exceptions.BadNamespaceError):
        return False
    except AssertionError:  # no answer and no disconnect within WAIT: the server has no such
        return False  # connection (python-socketio's client missed the refusal)


def test_no_connection_outlives_a_logout_it_raced(own_live_server, own_live_api, live_client):
    server, api = own_live_server, own_live_api
    eve, observer = api.member(), api.member()
    general = api.room_id(observer, "general")
    survivors = still_online = 0
    for _ in range(LOGOUT_ROUNDS):
        session = api.login(eve)
        clients = [live_client(session, server=server, connect=False) for _ in range(CONNECTS)]
        logout, *_ = together(
            lambda session=session: rest(server, "POST", "/auth/logout", session),
            *[lambda c=c: _try_connect(c) for c in clients],
        )
        assert logout == 204
        # The race is over: the session has ended, so no connection may answer any more.
        survivors += sum(_still_alive(c) for c in clients)
        still_online += _online(api, observer, general, eve)
        for client in clients:
            client.close()
    assert (survivors, still_online) == (0, 0)
    no_traceback(server)


def _online(api: LiveApi, observer: Account, room: int, person: Account) -> bool:
    """Whether the server counts `person` online (a connection of theirs registered)."""
    response = api.request("GET", f"/rooms/{room}/members", observer)
    return next(m["online"] for m in response.json() if m["id"] == person.id)
