"""The Socket.IO link: server events and acknowledgements become (kind, data) posts for the
thread that owns the state (no tkinter).

python-socketio runs each incoming event on a thread of its own, so events can arrive out of
order; the state orders and deduplicates them by id. After every (re)connect this module calls
`resume` with the newest id held per room and posts what was missed, fetching the rest over
REST when a room missed more than the server returns at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import socketio
from socketio import exceptions

from .. import libpatches
from .api import Api, ApiError, Json
from .i18n import N_, Lazy, http_tag

log = logging.getLogger(__name__)

Post = Callable[[str, Any], None]
SERVER_EVENTS = (
    "receive_message",
    "message_updated",
    "message_deleted",
    "presence",
    "presence_batch",
    "typing",
    "membership",
    "room_updated",
    "room_deleted",
)
AUTH_FAILURES = {"token_missing", "token_invalid", "token_expired"}
ACK_TIMEOUT = 15.0


class Realtime:
    """One authenticated connection that reconnects by itself until closed."""

    def __init__(
        self,
        api: Api,
        post: Post,
        last_ids: Callable[[], dict[int, int]],
        *,
        delay: float = 0.5,
        delay_max: float = 5.0,
    ) -> None:
        self.api, self.post, self.last_ids = api.clone(), post, last_ids
        self.sio = socketio.Client(
            reconnection=True,
            reconnection_delay=delay,
            reconnection_delay_max=delay_max,
            randomization_factor=0.2,
        )
        self.attempts = 0
        self.closing = False
        self._emit_lock = threading.Lock()
        self._install_handlers()

    def _install_handlers(self) -> None:
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("connect_error", self._on_connect_error)
        for name in SERVER_EVENTS:
            self.sio.on(name, self._forward(name))

    def _forward(self, name: str) -> Callable[[Any], None]:
        def handler(data: Any = None) -> None:
            self.post(name, data)

        return handler

    # --- the connection -----------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background; the outcome arrives as "link" posts."""
        self.post("link", ("connecting", 0, ""))
        threading.Thread(target=self._connect, name="papo-connect", daemon=True).start()

    def _connect(self) -> None:
        try:
            self.sio.connect(
                self.api.base_url,
                auth=self.auth,
                transports=["websocket"],
                wait_timeout=10,
                retry=True,
            )
        except exceptions.ConnectionError as exc:
            if not self.closing:
                log.warning("cannot connect to %s: %s", self.api.base_url, exc)
                self.post("link", ("offline", 0, Lazy(N_("cannot connect"))))

    def auth(self) -> Json:
        """What the server is told at each (re)connect: the token and the language."""
        return {"token": self.api.token, "lang": http_tag(self.api.language)}

    def close(self) -> None:
        """Stop reconnecting and close the connection (it says goodbye to the server)."""
        self.closing = True
        self._give_up()
        if self.sio.connected:
            self.sio.disconnect()
        self.api.close()

    def _give_up(self) -> None:
        libpatches.stop_reconnecting(self.sio)  # (not shutdown(): it may be this very thread)

    def _on_connect(self) -> None:
        if self.closing:
            self.sio.start_background_task(self.sio.disconnect)
            return
        self.attempts = 0
        self.sio.start_background_task(self._resume)

    def _on_disconnect(self, reason: str = "") -> None:
        if self.closing:
            self.post("link", ("offline", 0, Lazy(N_("signed out"))))
        elif reason == self.sio.reason.SERVER_DISCONNECT:
            ended = Lazy(N_("the server ended this session; sign in again"))
            self.post("link", ("offline", 0, ended))
        else:
            self.post("link", ("reconnecting", 0, ""))

    def _on_connect_error(self, data: Any = None) -> None:
        if self.closing:
            return
        self.attempts += 1
        if isinstance(data, dict) and data.get("code") in AUTH_FAILURES:
            self._give_up()
            error = ApiError.from_body(401, {"error": data})
            self.post("link", ("offline", self.attempts, Lazy(error.describe)))
            self.post("signed_out", data)
        else:
            self.post("link", ("reconnecting", self.attempts, ""))

    # --- resume -------------------------------------------------------------------------

    def _resume(self) -> None:
        """Fetch what each room received while this client was away, then report "connected"."""
        wanted = {str(room): last for room, last in self.last_ids().items()}
        try:
            ack = self.call("resume", {"last_ids": wanted})
            for room, part in ack["rooms"].items():
                messages = list(part["messages"])
                if part.get("more") and messages:
                    messages += self.api.history_after(int(room), messages[-1]["id"])
                if messages:
                    self.post("messages", messages)
        except ApiError as exc:
            self.post("error", exc)
        if "/" in self.sio.namespaces and not self.closing:
            self.post("link", ("connected", 0, ""))

    # --- events to the server -----------------------------------------------------------

    def emit(self, event: str, data: Json, on_ack: Callable[[Json], None] | None = None) -> bool:
        """Send an event without waiting; the ack goes to `on_ack`. False when not connected."""
        callback = None
        if on_ack is not None:

            def callback(*args: Any) -> None:
                on_ack(args[0] if args and isinstance(args[0], dict) else {"ok": False})

        try:
            with self._emit_lock:
                self.sio.emit(event, data, callback=callback)
        except exceptions.SocketIOError:
            return False
        return True

    def call(self, event: str, data: Json) -> Json:
        """Send an event and wait for its acknowledgement (not on the Tk thread)."""
        done, answer = threading.Event(), {}

        def on_ack(ack: Json) -> None:
            answer.update(ack)
            done.set()

        if not self.emit(event, data, on_ack):
            raise ApiError(0, "not_connected", "The connection to the server is down.")
        if not done.wait(ACK_TIMEOUT):
            raise ApiError(0, "timeout", f"The server did not answer {event!r} in time.")
        if not answer.get("ok"):
            raise ApiError.from_body(0, answer)
        return answer
