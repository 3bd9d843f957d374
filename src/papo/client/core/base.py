"""The core's engine: one queue of events, one thread that applies them to the state, and
the REST worker whose answers come back through that queue (no tkinter)."""

from __future__ import annotations

import itertools
import logging
import queue
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..api import Api, ApiError
from ..errors import client_error
from ..i18n import DEFAULT, Lazy
from ..realtime import Realtime
from ..state import State, Topic

log = logging.getLogger("papo.client.core")

Done = Callable[[Any], None] | None
Failed = Callable[[ApiError], None] | None
Job = Future[None]


class CoreBase:
    """The queue, the pump and the worker that every intent runs on."""

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
        # Callbacks stay on the pumping thread: the worker only sees a ticket, so no Tk object
        # is ever released (and finalised) on the worker thread.
        self._waiting: dict[int, tuple[Done, Failed]] = {}
        self._tickets = itertools.count(1)
        self._jobs: set[Job] = set()  # submitted to the worker and not finished
        self._typing_sent: dict[int, float] = {}  # room → when a typing notice last went out
        self._retry_at: float | None = None  # when the outbox is tried again (rate limited)

    def post(self, kind: str, data: Any = None) -> None:
        """Queue an event for the pumping thread; safe from any thread."""
        self.events.put((kind, data))

    def pump(self, limit: int = 200) -> set[Topic]:
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
        self.state.expire_typing(self.clock())

    # --- requests off the pumping thread ------------------------------------------------

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        then: Done = None,
        failed: Failed = None,
        **kw: Any,
    ) -> Job:
        """Run `fn` on the REST worker; `then(result)` or `failed(error)` run when pumped."""
        ticket = self._ticket(then, failed)

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

    def _ticket(self, then: Done, failed: Failed) -> int:
        """Hold the callbacks of an answer that will come back through the queue."""
        ticket = next(self._tickets)
        self._waiting[ticket] = (then, failed)
        return ticket

    def _submit(self, job: Callable[[], None]) -> Job:
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
