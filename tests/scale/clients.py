"""Socket.IO clients for the multi-process tests: the chat suite's recording client, with a
choice of transport and of HTTP session (for TLS and a source address behind nginx).
"""

from __future__ import annotations

import itertools
from typing import Any

import requests

from chat.clients import WAIT, LiveClient

_client_ids = itertools.count(1)


class Client(LiveClient):
    """A python-socketio client that records every event and waits for them with a deadline."""

    def __init__(
        self,
        url: str,
        auth: dict[str, Any],
        *,
        transports: tuple[str, ...] = ("websocket",),
        http: requests.Session | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(url, auth)
        self.transports, self.headers = list(transports), headers or {}
        if http is not None:
            # python-socketio takes a session only in its constructor, which LiveClient calls.
            self.sio.eio.http, self.sio.eio.external_http = http, True

    def connect(self) -> Client:
        """Connect over the chosen transports; raises socketio ConnectionError if refused."""
        self.sio.connect(
            self.url,
            auth=self.auth,
            transports=self.transports,
            headers=self.headers,
            wait_timeout=WAIT,
        )
        return self

    def send(self, room: int | str, text: str, client_id: str | None = None) -> dict[str, Any]:
        """send_message and return the stored message; fails unless acknowledged ok."""
        body = {"room": room, "message": text, "client_id": client_id or f"c{next(_client_ids)}"}
        ack = self.call("send_message", body)
        assert ack["ok"] is True, ack
        return ack["message"]

    def messages(self, room: int | None = None) -> list[dict[str, Any]]:
        """The receive_message payloads so far, of one room if given."""
        return [m for m in self.received("receive_message") if room is None or m["room"] == room]

    def wait_for_message(self, message_id: int) -> dict[str, Any]:
        """Wait until the message with this id arrives live; return it."""
        found = self.wait_for(lambda: [m for m in self.messages() if m["id"] == message_id])
        return found[0]

    def presence_of(self, user_id: int) -> list[bool]:
        """The `online` flags of the presence events about one user, in arrival order."""
        return [p["online"] for p in self.received("presence") if p["user"]["id"] == user_id]

    def membership(self, room: int) -> list[bool]:
        """The `member` flags of the membership events about one room, in arrival order."""
        return [m["member"] for m in self.received("membership") if m["room"] == room]

    def online(self, room: int | str | None = None) -> list[int]:
        """Ask who_is_online (of one room, or of everyone this user shares a room with)."""
        ack = self.call("who_is_online", {} if room is None else {"room": room})
        assert ack["ok"] is True, ack
        return ack["users"]

    def wait_disconnected(self, timeout: float = WAIT) -> None:
        """Wait until the server has closed this connection."""
        self.wait_for(lambda: not self.connected, timeout)
