"""Chat test clients: the Flask-SocketIO test client, a real python-socketio client, REST."""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio
import websocket
from flask_socketio.test_client import SocketIOTestClient

from support.accounts import PASSWORD, Account
from support.waiting import wait_until

ENGINE_IO = "/socket.io/?EIO=4&transport=websocket"
NOTHING = object()  # "emit the event with no payload at all"
WAIT = 10.0  # seconds any live wait may take before the test fails
# Every live server lets one connection send LIVE_BURST messages at once, then one per 2 s:
# enough for the bulk tests, and a limit the rate-limit test can reach quickly.
LIVE_BURST = 40


def open_raw(port: int, token: str, **options: Any) -> tuple[websocket.WebSocket, dict]:
    """A raw Engine.IO WebSocket joined to Socket.IO's namespace with `token`; returns it and
    the Engine.IO OPEN packet's data. `options` go to websocket.create_connection."""
    ws = websocket.create_connection(f"ws://127.0.0.1:{port}{ENGINE_IO}", **options)
    opened = ws.recv()
    assert opened.startswith("0{")
    ws.send("40" + json.dumps({"token": token}))
    deadline = time.monotonic() + WAIT
    while not ws.recv().startswith("40"):  # presence events may come first
        assert time.monotonic() < deadline
    return ws, json.loads(opened[1:])


def payloads(events: list[dict[str, Any]], name: str) -> list[Any]:
    """The first argument of every recorded event called `name`, in arrival order."""
    return [
        event["args"][0] if event["args"] else None for event in events if event["name"] == name
    ]


def error_code(ack: Any) -> str:
    """The code of an error acknowledgement, after checking its shape (fails on a success)."""
    assert ack["ok"] is False, ack
    assert set(ack) == {"ok", "error"}, ack
    assert set(ack["error"]) <= {"code", "message", "fields"}, ack
    assert isinstance(ack["error"]["message"], str) and ack["error"]["message"], ack
    return ack["error"]["code"]


def history(client: Any, account: Account, room: int, **query: Any) -> list[dict[str, Any]]:
    """GET /rooms/<room>/messages through a Flask test client; fails unless 200."""
    response = client.get(f"/rooms/{room}/messages", headers=account.headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@dataclass
class Connection:
    """One account's Socket.IO test connection, keeping every event it has received."""

    tc: SocketIOTestClient
    account: Account
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        """True while the server keeps this connection."""
        return self.tc.is_connected()

    def call(self, event: str, data: Any = NOTHING) -> Any:
        """Emit `event` and return the server's acknowledgement."""
        args = () if data is NOTHING else (data,)
        return self.tc.emit(event, *args, callback=True)

    def received(self, name: str) -> list[Any]:
        """Payloads of every `name` event received since the connection opened."""
        self.events.extend(self.tc.queue)
        self.tc.queue.clear()
        return payloads(self.events, name)

    def forget(self) -> None:
        """Drop what was received so far (for example, the presence events of setup)."""
        self.received("")
        self.events.clear()

    def close(self) -> None:
        """Disconnect from the client side."""
        if self.connected:
            self.tc.disconnect()


class LiveClient:
    """A python-socketio client of a real server that records the events it receives."""

    def __init__(self, url: str, auth: dict[str, Any], *, reconnection: bool = False) -> None:
        self.url, self.auth = url, auth
        self.sio = socketio.Client(
            reconnection=reconnection,
            reconnection_delay=0.1,
            reconnection_delay_max=0.5,
            handle_sigint=False,
        )
        self._changed = threading.Condition()
        self.events: list[dict[str, Any]] = []
        self.refusals: list[Any] = []
        self.connects = 0
        self.sio.on("*", self._record)
        self.sio.on("connect", self._connected)
        self.sio.on("connect_error", self._refused)
        self.sio.on("disconnect", self._disconnected)

    def _record(self, event: str, *args: Any) -> None:
        with self._changed:
            self.events.append({"name": event, "args": list(args)})
            self._changed.notify_all()

    def _connected(self) -> None:
        with self._changed:
            self.connects += 1
            self._changed.notify_all()

    def _disconnected(self, *_reason: Any) -> None:
        with self._changed:
            self._changed.notify_all()

    def _refused(self, data: Any = None) -> None:
        with self._changed:
            self.refusals.append(data)
            self._changed.notify_all()

    @property
    def connected(self) -> bool:
        """True while the Socket.IO connection is up."""
        return self.sio.connected

    def connect(self) -> LiveClient:
        """Connect over WebSocket; raises socketio.exceptions.ConnectionError if refused."""
        self.sio.connect(self.url, auth=self.auth, transports=["websocket"], wait_timeout=WAIT)
        return self

    def call(self, event: str, data: Any = None, timeout: float = WAIT) -> Any:
        """Emit `event` and wait for its acknowledgement; raise DisconnectedError if the
        connection drops first (python-socketio's own `call` would wait out the timeout)."""
        answers: list[tuple] = []

        def answered(*args: Any) -> None:
            with self._changed:
                answers.append(args)
                self._changed.notify_all()

        self.sio.emit(event, data, callback=answered)
        self.wait_for(lambda: answers or not self.connected, timeout)
        if not answers:
            raise socketio.exceptions.DisconnectedError(f"no acknowledgement of {event!r}")
        return answers[0][0] if len(answers[0]) == 1 else answers[0]

    def received(self, name: str) -> list[Any]:
        """Payloads of every `name` event received so far."""
        with self._changed:
            return payloads(list(self.events), name)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = WAIT) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every event); fail after `timeout`."""
        with self._changed:
            # Woken by every event; re-checked at least every 0.1 s, as some conditions
            # change without one.
            wake = self._changed.wait
            return wait_until(predicate, timeout, str(predicate), step=0.1, sleep=wake)

    def wait_for_event(self, name: str, count: int = 1, timeout: float = WAIT) -> list[Any]:
        """Wait until `count` events called `name` arrived; return their payloads."""
        return self.wait_for(lambda: (got := self.received(name))[count - 1 :] and got, timeout)

    def close(self) -> None:
        """Disconnect, or stop reconnecting."""
        self.sio.shutdown()


@dataclass
class LiveApi:
    """REST calls to a live server, and its accounts (registered through the API)."""

    url: str
    http: requests.Session = field(default_factory=requests.Session)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    _prefix: str = field(default_factory=lambda: f"l{secrets.token_hex(3)}")

    def request(self, method: str, path: str, account: Account | None = None, **kw: Any):
        """Send one request to the live server, as `account` if given."""
        headers = account.headers if account else {}
        return self.http.request(method, self.url + path, headers=headers, timeout=WAIT, **kw)

    def member(self, name: str | None = None) -> Account:
        """Register a new member (signed in)."""
        username = f"{self._prefix}u{next(self._numbers)}"
        body = {"username": username, "password": PASSWORD, "name": name or username.upper()}
        response = self.request("POST", "/auth/register", json=body)
        assert response.status_code == 201, response.text
        data = response.json()
        return Account(data["user"]["id"], username, PASSWORD, token=data["token"])

    def login(self, account: Account) -> Account:
        """Open another session for `account`."""
        body = {"username": account.username, "password": account.password}
        response = self.request("POST", "/auth/login", json=body)
        assert response.status_code == 200, response.text
        return Account(account.id, account.username, account.password, response.json()["token"])

    def room_id(self, account: Account, name: str) -> int:
        """The id of the room called `name`, as `account` sees it."""
        listed = self.request("GET", "/rooms", account).json()
        return next(room["id"] for room in listed if room["name"] == name)

    def history(self, account: Account, room: int, **query: Any) -> list[dict[str, Any]]:
        """GET /rooms/<room>/messages with `query`."""
        response = self.request("GET", f"/rooms/{room}/messages", account, params=query)
        assert response.status_code == 200, response.text
        return response.json()

    def everything_in(self, account: Account, room: int) -> list[dict[str, Any]]:
        """Every message of the room, oldest first (paged 200 at a time, bounded)."""
        found: list[dict[str, Any]] = []
        for _page in range(100):
            page = self.history(account, room, after=found[-1]["id"] if found else 0, limit=200)
            found.extend(page)
            if len(page) < 200:
                return found
        raise AssertionError("more than 20,000 messages: the paging does not end")
