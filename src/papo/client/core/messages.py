"""Intents about messages: history, sending through the outbox, edits and deletions, typing;
and the server's message, presence and typing events."""

from __future__ import annotations

import functools

from ..api import ApiError, Json
from ..i18n import N_, Lazy
from ..state import CONNECTED, Outgoing
from .base import CoreBase, Done, Failed, Job

HISTORY_PAGE = 50
TYPING_EVERY = 2.0  # seconds between two typing notices sent for one room
RETRY_AFTER = 2.0  # seconds before an outbox retry after a rate limit
RETRYABLE = {"rate_limited", "service_unavailable", "internal_error", "timeout", "not_connected"}


class MessageIntents(CoreBase):
    """History, the outbox, edits, deletions, typing."""

    def _tick(self) -> None:
        super()._tick()
        if self._retry_at is not None and self.clock() >= self._retry_at:
            self._retry_at = None
            self._flush_outbox()

    # --- history ------------------------------------------------------------------------

    def load_older(self, room_id: int, *, newest: bool = False) -> Job | None:
        """Fetch the page of history before the oldest message held (scrolling back)."""
        log_ = self.state.log(room_id)
        if self.api is None or log_.loading_before or not log_.more_before:
            return None
        log_.loading_before = True
        before = None if newest else log_.oldest_id
        done = functools.partial(self._history_loaded, room_id)
        failed = functools.partial(self._history_failed, room_id)
        return self.call(
            self.api.history, room_id, before=before, limit=HISTORY_PAGE, then=done, failed=failed
        )

    def _history_loaded(self, room_id: int, page: list[Json]) -> None:
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

    def _fill_gap(self, room_id: int) -> None:
        """A jump in seq means messages were missed: fetch everything after the last whole id."""
        log_ = self.state.log(room_id)
        after = log_.gap_after()
        if self.api is None or after is None or log_.filling_after or after == log_.filled_after:
            return
        log_.filling_after, log_.filled_after = True, after

        def filled(payloads: list[Json]) -> None:
            log_.filling_after = False
            self._merge(payloads)

        def not_filled(error: ApiError) -> None:
            log_.filling_after, log_.filled_after = False, None
            self.report(error)

        self.call(self.api.history_after, room_id, after, then=filled, failed=not_filled)

    # --- what the server sends ----------------------------------------------------------

    def _on_receive_message(self, data: Json) -> None:
        self._merge([data])

    def _on_messages(self, data: list[Json]) -> None:
        self._merge(data)

    def _on_message_updated(self, data: Json) -> None:
        self.state.update_message(data)

    def _on_message_deleted(self, data: Json) -> None:
        self.state.delete_message(data)

    def _merge(self, payloads: list[Json]) -> None:
        for room_id in self.state.add_messages(payloads):
            self._fill_gap(room_id)
            if room_id == self.state.current_room:
                self._mark_read(room_id)

    # --- sending ------------------------------------------------------------------------

    def send(self, room_id: int, text: str) -> bool:
        """Queue a message; it goes out now if connected, or once the link is back."""
        text = text.strip()
        if not text or room_id not in self.state.rooms:
            return False
        outgoing = self.state.queue_outgoing(room_id, text)
        if self.state.link.status == CONNECTED:
            self._send(outgoing)
        return True

    def _send(self, outgoing: Outgoing) -> None:
        if self.realtime is None:
            return
        outgoing.attempts += 1
        payload = {"room": outgoing.room, "message": outgoing.text, "client_id": outgoing.client_id}
        client_id = outgoing.client_id
        self.realtime.emit("send_message", payload, lambda ack: self.post("sent", (client_id, ack)))

    def _flush_outbox(self) -> None:
        if self.realtime is None or self.state.link.status != CONNECTED:
            return
        for outgoing in list(self.state.outbox):
            self._send(outgoing)

    def _on_sent(self, data: tuple[str, Json]) -> None:
        client_id, ack = data
        if ack.get("ok"):
            self._merge([ack["message"]])
            return
        error = ApiError.from_body(0, ack)
        if error.code in RETRYABLE:
            self._retry_at = self.clock() + (error.retry_after or RETRY_AFTER)
        else:
            self.state.outgoing_failed(client_id, error.describe())

    # --- edits and deletions ------------------------------------------------------------

    def edit_message(
        self, message_id: int, text: str, *, then: Done = None, failed: Failed = None
    ) -> None:
        """Change the text of one of your messages; `then(ack)` or `failed(error)` when the
        server answers (without them a refusal shows in the status bar)."""
        self._emit_checked("edit_message", {"id": message_id, "message": text}, then, failed)

    def delete_message(self, message_id: int, *, then: Done = None, failed: Failed = None) -> None:
        """Delete one of your messages; answered like `edit_message`."""
        self._emit_checked("delete_message", {"id": message_id}, then, failed)

    def _emit_checked(self, event: str, payload: Json, then: Done, failed: Failed) -> None:
        """Emit an event whose answer is worth telling the user, through the queue."""
        ticket = self._ticket(then, failed)

        def answered(ack: Json) -> None:
            if ack.get("ok"):
                self.post("done", (ticket, ack))
            else:
                self.post("failed", (ticket, ApiError.from_body(0, ack)))

        if self.realtime is None or not self.realtime.emit(event, payload, answered):
            self._waiting.pop(ticket, None)
            if failed is not None:
                failed(ApiError(0, "not_connected"))
            else:
                self.state.say(Lazy(N_("Not connected: try again when the link is back.")))

    # --- presence and typing ------------------------------------------------------------

    def _on_presence(self, data: Json) -> None:
        self.state.set_presence(data["user"], bool(data["online"]))

    def _on_presence_batch(self, data: Json) -> None:
        for change in data["changes"]:  # many people at once (a reconnect storm)
            self._on_presence(change)

    def _on_typing(self, data: Json) -> None:
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
