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

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from .extensions import db
from .services import after_commit

P = ParamSpec("P")
WROTE = "papo_wrote"  # in Session.info: this transaction wrote something
T = TypeVar("T")


@contextmanager
def unit_of_work(*, keep_on: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Commit what the block did, once; roll it all back if it raises.

    An error in `keep_on` still ends the block, but what was written stands (signing in with
    an expired token is refused, and the expired session is removed all the same). A block
    that only read sends no COMMIT."""
    try:
        yield
    except keep_on:
        _end()
        raise
    except BaseException:
        db.session.rollback()
        raise
    try:
        _end()
    except BaseException:
        db.session.rollback()
        raise


def _end() -> None:
    # Reads alone need no COMMIT: their transaction goes on into the caller's work (a request
    # after signing in), or ends when the app context does, as it always has.
    session = db.session
    session.flush()  # changes not flushed yet count as writes (no SQL when there are none)
    if session.info.get(WROTE) or session.info.get(after_commit.PENDING):
        session.commit()


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(WROTE, None)


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
