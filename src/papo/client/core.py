"""The client core: one queue of events, one thread that applies them to the state.

Network threads (the REST worker, the Socket.IO link) never change the state: they `post()`
(kind, data) events. The owner of the state — the Tk thread in the app, the test itself in the
headless tests — calls `pump()`, which applies a bounded batch and returns what changed.
This is thonny's pattern; it keeps every widget on the Tk thread (no tkinter here).
"""

from __future__ import annotations

import functools
import itertools
import logging
import queue
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .api import Api, ApiError
from .errors import ERROR_TEXTS, client_error
from .i18n import DEFAULT, N_, Lazy
from .realtime import Realtime
from .state import CONNECTED, State

log = logging.getLogger(__name__)

HISTORY_PAGE = 50
TYPING_EVERY = 2.0  # seconds between two typing notices sent for one room
RETRY_AFTER = 2.0  # seconds before an outbox retry after a rate limit
RETRYABLE = {"rate_limited", "service_unavailable", "internal_error", "timeout", "not_connected"}

Done = Callable[[Any], None] | None
Failed = Callable[[ApiError], None] | None


class Core:
    """Signs in, holds the state, and turns user intent into requests and events."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, language: str = DEFAULT
    ) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.language = language
        self.state = State()
        self.api: Api | None = None
        self.realtime: Realtime | None = None
        self.clock = clock
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papo-rest")
        self._typing_sent: dict[int, float] = {}
        self._retry_at: float | None = None
        # Callbacks stay on the pumping thread: the worker only sees a ticket, so no Tk object
        # is ever released (and finalised) on the worker thread.
        self._waiting: dict[int, tuple[Done, Failed]] = {}
        self._tickets = itertools.count(1)
        self._jobs: set[Future] = set()  # submitted to the worker and not finished

    # --- the event queue ----------------------------------------------------------------

    def post(self, kind: str, data: Any = None) -> None:
        """Queue an event for the pumping thread; safe from any thread."""
        self.events.put((kind, data))

    def pump(self, limit: int = 200) -> set[tuple]:
        """Apply at most `limit` queued events; return the state topics that changed."""
        for _ in range(limit):
            try:
                kind, data = self.events.get_nowait()
            except queue.Empty:
                break
            self._apply(kind, data)
        self._tick()
        return self.state.take_changes()

    def _apply(self, kind: str, data: Any) -> None:
        log.debug("%s applies %s %.200r", self.state.me and self.state.me["username"], kind, data)
        handler = getattr(self, f"_on_{kind}", None)
        if handler is None:
            log.warning("no handler for event %r", kind)
            return
        try:
            handler(data)
        except (KeyError, TypeError, ValueError):
            log.exception("malformed %r event: %r", kind, data)

    def _tick(self) -> None:
        now = self.clock()
        self.state.expire_typing(now)
        if self._retry_at is not None and now >= self._retry_at:
            self._retry_at = None
            self._flush_outbox()

    def call(self, fn: Callable, *args: Any, then: Done = None, failed: Failed = None, **kw: Any):
        """Run `fn` on the REST worker; `then(result)` or `failed(error)` run when pumped."""
        ticket = next(self._tickets)
        self._waiting[ticket] = (then, failed)

        def job() -> None:
            try:
                result = fn(*args, **kw)
            except ApiError as exc:
                self.post("failed", (ticket, exc))
            except Exception as exc:
                log.exception("unexpected error in %r", fn)
                self.post("failed", (ticket, client_error(exc)))
            else:
                self.post("done", (ticket, result))

        return self._submit(job)

    def _submit(self, job: Callable[[], Any]) -> Future:
        future = self.worker.submit(job)
        self._jobs.add(future)
        future.add_done_callback(self._jobs.discard)
        return future

    def _on_done(self, data: tuple[int, Any]) -> None:
        ticket, result = data
        then, _failed = self._waiting.pop(ticket, (None, None))
        if then is not None:
            then(result)

    def _on_failed(self, data: tuple[int, ApiError]) -> None:
        ticket, error = data
        _then, failed = self._waiting.pop(ticket, (None, None))
        (failed or self.report)(error)

    def report(self, error: ApiError) -> None:
        """Show an error in the status bar (worded when shown, in the language of then)."""
        self.state.say(Lazy(error.describe))

    def _on_error(self, error: ApiError) -> None:
        self.report(error)

    # --- signing in and out -------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        """True once a sign-in succeeded and until sign-out."""
        return self.api is not None and self.state.me is not None

    def set_language(self, language: str) -> None:
        """Ask the server for `language` from now on: REST at once, Socket.IO at the next
        (re)connect (the errors the client words itself follow at once anyway)."""
        self.language = language
        for api in (self.api, self.realtime and self.realtime.api):
            if api is not None:
                api.language = language

    def sign_in(self, server: str, username: str, password: str, *, failed: Failed = None):
        """Sign in over REST, then load the rooms and connect."""
        api = Api(server, language=self.language)
        then = functools.partial(self._signed_in, api)
        return self.call(api.login, username, password, then=then, failed=failed)

    def register(self, server: str, fields: dict, *, failed: Failed = None):
        """Create an account (POST /auth/register), then carry on as after sign-in."""
        api = Api(server, language=self.language)
        then = functools.partial(self._signed_in, api)
        return self.call(api.register, **fields, then=then, failed=failed)

    def _signed_in(self, api: Api, body: dict) -> None:
        self.api, self.state = api, State(me=body["user"], server=api.base_url)
        self.state.changed("session")
        self.call(api.rooms, then=self._first_rooms)

    def _first_rooms(self, rooms: list[dict]) -> None:
        self.state.set_rooms(rooms)
        self.realtime = Realtime(self.api, self.post, self.state.last_ids)
        self.realtime.start()
        joined = self.state.member_rooms()
        if joined:
            general = [r for r in joined if r.name == "general"]
            self.open_room((general or joined)[0].id)

    def sign_out(self, then: Done = None):
        """Close the link, end the session on the server, and forget everything."""
        realtime, api = self.realtime, self.api
        self.realtime, self.api = None, None
        self.state = State(server=api.base_url if api else "")
        self.state.changed("session")

        def goodbye() -> None:
            if realtime is not None:
                realtime.close()
            if api is not None and api.token:
                api.logout()

        return self.call(goodbye, then=then, failed=lambda _error: then and then(None))

    def close(self, timeout: float = 5.0) -> None:
        """Close the socket and stop the worker (the session stays valid for next time)."""
        realtime, self.realtime = self.realtime, None
        for job in self._jobs.copy():  # what waits in line is not wanted now (copy: atomic)
            job.cancel()
        if realtime is not None:
            # Never cancelled: a socket left open would keep the user online for everyone.
            future = self._submit(realtime.close)
            try:
                future.result(timeout)
            except Exception:
                log.warning("the connection did not close within %ss", timeout)
        self.worker.shutdown(wait=False)

    def _on_signed_out(self, data: dict) -> None:
        error = ApiError.from_body(401, {"error": data})
        worded = error.message or error.code in ERROR_TEXTS
        self.state.say(Lazy(error.describe) if worded else Lazy(N_("Signed out by the server.")))
        self.state.changed("expired")

    # --- the link -----------------------------------------------------------------------

    def _on_link(self, data: tuple[str, int, str]) -> None:
        status, attempts, reason = data
        if self.realtime is None and status != "offline":
            return  # a late event from a connection already closed
        self.state.set_link(status, attempts=attempts, reason=reason)
        if status == CONNECTED:
            self._flush_outbox()

    # --- rooms --------------------------------------------------------------------------

    def refresh_rooms(self) -> None:
        """Reload GET /rooms (after a membership or room change)."""
        self.call(self.api.rooms, then=self.state.set_rooms)

    def open_room(self, room_id: int) -> None:
        """Show a room: its newest history, its members; mark it read."""
        room = self.state.rooms.get(room_id)
        if room is None:
            return
        self.state.marker[room_id] = room.last_read_id
        self.state.open_room(room_id)
        log_ = self.state.log(room_id)
        if not log_.loaded:
            log_.loaded = True
            self.load_older(room_id, newest=True)
        since = self.state.presence_clock  # presence events after this beat the answer
        members = functools.partial(self.state.set_members, room_id, since=since)
        self.call(self.api.members, room_id, then=members)
        self._mark_read(room_id)

    def load_older(self, room_id: int, *, newest: bool = False) -> None:
        """Fetch the page of history before the oldest message held (scrolling back)."""
        log_ = self.state.log(room_id)
        if log_.loading_before or not log_.more_before:
            return
        log_.loading_before = True
        before = None if newest else log_.oldest_id
        done = functools.partial(self._history_loaded, room_id)
        failed = functools.partial(self._history_failed, room_id)
        self.call(
            self.api.history, room_id, before=before, limit=HISTORY_PAGE, then=done, failed=failed
        )

    def _history_loaded(self, room_id: int, page: list[dict]) -> None:
        self.state.add_history(room_id, page, page=HISTORY_PAGE)
        self._fill_gap(room_id)
        if room_id == self.state.current_room:
            self._mark_read(room_id)

    def _history_failed(self, room_id: int, error: ApiError) -> None:
        self.state.log(room_id).loading_before = False
        self.report(error)

    def _mark_read(self, room_id: int) -> None:
        newest = self.state.read_up_to(room_id)
        if newest and self.realtime is not None:
            self.realtime.emit("mark_read", {"room": room_id, "id": newest})

    def create_room(self, name: str, topic: str = "", private: bool = False, *, failed=None):
        """Create a channel and open it."""
        return self.call(
            self.api.create_room, name, topic, private, then=self._room_opened, failed=failed
        )

    def join_room(self, room_id: int, *, failed: Failed = None):
        """Join a public channel and open it."""
        return self.call(self.api.join_room, room_id, then=self._room_opened, failed=failed)

    def open_direct(self, user_id: int, *, failed: Failed = None):
        """Open the direct conversation with a user."""
        return self.call(self.api.open_direct, user_id, then=self._room_opened, failed=failed)

    def leave_room(self, room_id: int) -> None:
        """Leave a room and forget it."""
        self.call(self.api.leave_room, room_id, then=lambda _: self.refresh_rooms())

    def _room_opened(self, payload: dict) -> None:
        self.state.put_room(payload)
        self.open_room(payload["id"])

    def _on_membership(self, data: dict) -> None:
        if not data.get("member"):
            self.state.remove_room(data["room"])
        self.refresh_rooms()

    def _on_room_updated(self, _data: dict) -> None:
        self.refresh_rooms()

    def _on_room_deleted(self, data: dict) -> None:
        self.state.remove_room(data["room"])

    # --- messages -----------------------------------------------------------------------

    def _on_receive_message(self, data: dict) -> None:
        self._merge([data])

    def _on_messages(self, data: list[dict]) -> None:
        self._merge(data)

    def _on_message_updated(self, data: dict) -> None:
        self.state.update_message(data)

    def _on_message_deleted(self, data: dict) -> None:
        self.state.delete_message(data)

    def _merge(self, payloads: list[dict]) -> None:
        for room_id in self.state.add_messages(payloads):
            self._fill_gap(room_id)
            if room_id == self.state.current_room:
                self._mark_read(room_id)

    def _fill_gap(self, room_id: int) -> None:
        """A jump in seq means messages were missed: fetch everything after the last whole id."""
        log_ = self.state.log(room_id)
        after = log_.gap_after()
        if after is None or log_.filling_after or after == log_.filled_after:
            return
        log_.filling_after, log_.filled_after = True, after

        def filled(payloads: list[dict]) -> None:
            log_.filling_after = False
            self._merge(payloads)

        def not_filled(error: ApiError) -> None:
            log_.filling_after, log_.filled_after = False, None
            self.report(error)

        self.call(self.api.history_after, room_id, after, then=filled, failed=not_filled)

    def send(self, room_id: int, text: str) -> bool:
        """Queue a message; it goes out now if connected, or once the link is back."""
        text = text.strip()
        if not text or room_id not in self.state.rooms:
            return False
        outgoing = self.state.queue_outgoing(room_id, text)
        if self.state.link.status == CONNECTED:
            self._send(outgoing)
        return True

    def _send(self, outgoing) -> None:
        outgoing.attempts += 1
        payload = {"room": outgoing.room, "message": outgoing.text, "client_id": outgoing.client_id}
        client_id = outgoing.client_id
        self.realtime.emit("send_message", payload, lambda ack: self.post("sent", (client_id, ack)))

    def _flush_outbox(self) -> None:
        if self.realtime is None or self.state.link.status != CONNECTED:
            return
        for outgoing in list(self.state.outbox):
            self._send(outgoing)

    def _on_sent(self, data: tuple[str, dict]) -> None:
        client_id, ack = data
        if ack.get("ok"):
            self._merge([ack["message"]])
            return
        error = ApiError.from_body(0, ack)
        if error.code in RETRYABLE:
            self._retry_at = self.clock() + (error.retry_after or RETRY_AFTER)
        else:
            self.state.outgoing_failed(client_id, error.describe())

    def edit_message(self, message_id: int, text: str) -> None:
        """Change the text of one of your messages."""
        self._emit_checked("edit_message", {"id": message_id, "message": text})

    def delete_message(self, message_id: int) -> None:
        """Delete one of your messages."""
        self._emit_checked("delete_message", {"id": message_id})

    def _emit_checked(self, event: str, payload: dict) -> None:
        """Emit an event whose failure is worth telling the user."""
        if self.realtime is None or not self.realtime.emit(event, payload, self._ack_checked):
            self.state.say(Lazy(N_("Not connected: try again when the link is back.")))

    def _ack_checked(self, ack: dict) -> None:
        if not ack.get("ok"):
            self.post("error", ApiError.from_body(0, ack))

    # --- presence and typing ------------------------------------------------------------

    def _on_presence(self, data: dict) -> None:
        self.state.set_presence(data["user"], bool(data["online"]))

    def _on_presence_batch(self, data: dict) -> None:
        for change in data["changes"]:  # many people at once (a reconnect storm)
            self._on_presence(change)

    def _on_typing(self, data: dict) -> None:
        self.state.someone_typing(data["room"], data["user"], self.clock())

    def typed(self, room_id: int) -> bool:
        """The user is typing in a room: tell the others, at most once every 2 seconds."""
        now = self.clock()
        if now - self._typing_sent.get(room_id, float("-inf")) < TYPING_EVERY:
            return False
        if self.realtime is None or self.state.link.status != CONNECTED:
            return False
        self._typing_sent[room_id] = now
        return self.realtime.emit("typing", {"room": room_id})
