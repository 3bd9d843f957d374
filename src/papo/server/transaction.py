"""One owner of the transaction: the REST request or Socket.IO event that calls the services.

Services only flush. Whatever answers a caller (every REST view, see api/__init__.py; every
Socket.IO event, see realtime/events.py `acknowledged`; start-up; a CLI command) runs them
inside `unit_of_work()`, which commits once at the end, so the after-commit broadcasts
(services/after_commit.py) run then, or rolls everything back if the work raises, and the
broadcasts are dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from .extensions import db

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def unit_of_work(*, keep_on: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Commit what the block did, once; roll it all back if it raises.

    An error in `keep_on` still ends the block, but what was written stands (signing in with
    an expired token is refused, and the expired session is removed all the same)."""
    try:
        yield
    except keep_on:
        db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def committed(fn: Callable[P, T]) -> Callable[P, T]:
    """Decorate `fn` to run as one unit of work."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with unit_of_work():
            return fn(*args, **kwargs)

    return run


class Redo(Exception):
    """Raised by a service that can answer only after this transaction is rolled back.

    A failed INSERT (a client_id used before, a room created by someone else at the same
    moment) leaves the transaction unusable on PostgreSQL. Only the owner of the transaction
    may roll it back: `retry_on_conflict` does, then returns `answer()` in its place."""

    def __init__(self, answer: Callable[[], Any]) -> None:
        super().__init__("roll back, then answer")
        self.answer = answer


def retry_on_conflict(service: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Call `service`; if it raises Redo, roll back and return the answer it names instead.

    The rollback undoes the whole unit of work so far: call this first, or with nothing
    else written (sending a message, opening a direct room, creating `general`)."""
    try:
        return service(*args, **kwargs)
    except Redo as redo:
        db.session.rollback()
        result: T = redo.answer()
        return result
