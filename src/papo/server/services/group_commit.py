"""Group commit: what several senders store at the same moment goes in one transaction.

Each sender hands its item to `GroupCommit.submit` and waits. The first to get the turn
becomes the leader: it lets every sender that is ready to run reach `submit` too
(`pause()`, one yield to the others), takes everything waiting, stores it all through
`store(items)` (one transaction, one commit) and hands each sender its own outcome. The
others find their outcome ready when the turn comes to them; anything left over (past
`limit`) is led by the next in line. A sender is answered only after the transaction that
holds its item has committed, never before.

When senders are few the batch is one item and nothing is added but the yield; when they
pour in, the statements, the commit (and on PostgreSQL its disk flush) are paid once per
batch instead of once per item.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# The most items one transaction stores: bounds how long one batch holds the others.
LIMIT = 200


class LeaderStopped(Exception):
    """The sender storing this batch was stopped (the server is shutting down) first."""


class _Entry(Generic[Item]):
    __slots__ = ("done", "failure", "item", "result")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = False
        self.result: Any = None
        self.failure: BaseException | None = None

    def outcome(self) -> Any:
        if self.failure is not None:
            raise self.failure
        return self.result


class Tally:
    """Batches stored and the items in them (for the tests and the benchmarks)."""

    def __init__(self) -> None:
        self.batches = 0
        self.items = 0


class GroupCommit(Generic[Item, Result]):
    """Stores items in batches through `store(items) -> outcomes` (one per item, in order).

    An outcome that is an exception is raised in that item's sender alone; an exception
    raised by `store` itself reaches every sender of the batch.
    """

    def __init__(
        self,
        store: Callable[[list[Item]], Sequence[Result | BaseException]],
        pause: Callable[[], Any],
        *,
        limit: int = LIMIT,
        tally: Tally | None = None,
    ) -> None:
        self._store = store
        self._pause = pause
        self.limit = limit
        self._waiting: list[_Entry] = []
        self._lock = threading.Lock()  # guards _waiting
        self._turn = threading.Lock()  # held by the leader while its batch is stored
        self.tally = tally or Tally()

    def submit(self, item: Item) -> Result:
        """Store `item` (with whatever else is waiting); its outcome once committed."""
        entry = _Entry(item)
        with self._lock:
            self._waiting.append(entry)
        try:
            with self._turn:
                # Batches are taken oldest first, and the turn may come to a sender before
                # older ones: it leads until its own item is stored.
                while not entry.done:
                    self._pause()  # senders ready to run join this batch
                    with self._lock:
                        batch = self._waiting[: self.limit]
                        del self._waiting[: self.limit]
                    self._lead(batch)
        finally:
            if not entry.done:  # stopped before its item was taken: nobody stores it
                with self._lock, contextlib.suppress(ValueError):
                    self._waiting.remove(entry)
        return entry.outcome()

    def _lead(self, batch: list[_Entry]) -> None:
        try:
            outcomes = self._store([entry.item for entry in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} items")
        except BaseException as exc:  # an error is handed to every sender of the batch
            failure = exc if isinstance(exc, Exception) else LeaderStopped()
            for entry in batch:
                if not entry.done:
                    entry.failure, entry.done = failure, True
            if failure is not exc:
                raise  # the leader itself is being stopped (its senders got LeaderStopped)
            return
        self.tally.batches += 1
        self.tally.items += len(batch)
        for entry, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                entry.failure = outcome
            else:
                entry.result = outcome
            entry.done = True


class GroupCommitByKey(Generic[Item, Result]):
    """One `GroupCommit` per key (a room): a batch waiting for one room's row lock (held by
    another process, or an administrator's transaction) holds up no other room's senders.

    A key's group lives while a sender holds it (weak references), so idle rooms cost nothing.
    """

    def __init__(
        self,
        store: Callable[[list[Item]], Sequence[Result | BaseException]],
        pause: Callable[[], Any],
        *,
        limit: int = LIMIT,
    ) -> None:
        self._store = store
        self._pause = pause
        self.limit = limit
        self.tally = Tally()
        self._groups: weakref.WeakValueDictionary[Hashable, GroupCommit] = (
            weakref.WeakValueDictionary()
        )
        self._lock = threading.Lock()

    def submit(self, key: Hashable, item: Item) -> Result:
        """Store `item` with whatever else is waiting under `key`; its outcome once committed."""
        with self._lock:
            group = self._groups.get(key)
            if group is None:
                group = GroupCommit(self._store, self._pause, limit=self.limit, tally=self.tally)
                self._groups[key] = group
        return group.submit(item)
