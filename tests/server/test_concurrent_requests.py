"""Requests that race each other, a few at a time, released together by a barrier.

Each test plays ROUNDS rounds against the app's real database through the REST API (and
Socket.IO where the race involves it). PostgreSQL runs them truly in parallel; SQLite
serialises writers, so there the same rounds check that nothing else breaks. In every round:
each request commits once if it succeeds and never if it fails (transaction.py), and nothing
is logged at ERROR (no 500, no traceback).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from apiflask import APIFlask
from sqlalchemy import event, select

from papo.server.extensions import db, socketio
from papo.server.models import Message, Room, User
from support.accounts import Account, Api
from support.errors import error_of

ROUNDS = 25
JOIN_TIMEOUT = 60.0  # seconds a round's requests may take before the test fails (a deadlock)
FAST = pytest.mark.app_config(message_rate=1000.0, message_burst=1000)


@dataclass
class Answer:
    """What one racing request got back, and how many COMMITs its thread sent."""

    value: Any
    commits: int


@pytest.fixture
def race(app: APIFlask, caplog: pytest.LogCaptureFixture) -> Iterator[Callable[..., list[Answer]]]:
    """`race(call, call, ...)`: run each call in a thread of its own, all released at once;
    return their answers in order. At teardown, nothing may have been logged at ERROR."""
    with app.app_context():
        engine = db.engine
    commits: dict[int, int] = {}

    def counted(_connection: Any) -> None:
        ident = threading.get_ident()
        commits[ident] = commits.get(ident, 0) + 1

    event.listen(engine, "commit", counted)
    caplog.set_level(logging.ERROR)

    def run(*calls: Callable[[], Any]) -> list[Answer]:
        barrier = threading.Barrier(len(calls))
        answers: list[Answer | None] = [None] * len(calls)
        failures: list[BaseException] = []

        def one(index: int, call: Callable[[], Any]) -> None:
            try:
                barrier.wait(timeout=JOIN_TIMEOUT)
                value = call()
                answers[index] = Answer(value, commits.pop(threading.get_ident(), 0))
            except BaseException as exc:  # handed to the test's thread below
                failures.append(exc)

        threads = [threading.Thread(target=one, args=pair) for pair in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
        assert not any(thread.is_alive() for thread in threads), "a racing request hangs"
        if failures:
            raise failures[0]
        return [answer for answer in answers if answer is not None]

    yield run
    event.remove(engine, "commit", counted)
    logged = caplog.get_records("call")  # caplog.records would be the teardown's, none
    errors = [record for record in logged if record.levelno >= logging.ERROR]
    assert errors == [], [record.getMessage() for record in errors]


def rest(app: APIFlask, method: str, path: str, account: Account, **body: Any) -> Callable[[], Any]:
    """A REST request by `account`, made when called, on a test client of its own."""

    def send() -> Any:
        return app.test_client().open(path, method=method, headers=account.headers, **body)

    return send


def committed_once_if_ok(answer: Answer) -> None:
    """A request that succeeded committed once; one that was refused committed nothing."""
    assert answer.commits == (1 if answer.value.status_code < 400 else 0), answer


def bystander(app: APIFlask, client: Any, account: Account) -> Any:
    """A Socket.IO test connection that records what the room's members are told."""
    return socketio.test_client(app, auth={"token": account.token}, flask_test_client=client)


def received(connection: Any, name: str) -> list[dict[str, Any]]:
    """The payloads of the `name` events the connection got since last asked."""
    return [e["args"][0] for e in connection.get_received() if e["name"] == name]


def general_id(app: APIFlask) -> int:
    with app.app_context():
        found = db.session.scalar(select(Room.id).where(Room.name == "general"))
        assert found is not None
        return found


# --- 1. An edit racing a deletion -----------------------------------------------------------


@FAST
def test_an_edit_racing_a_deletion_never_brings_the_text_back(app, client, race, member, api):
    general = general_id(app)
    watcher = bystander(app, client, api.member(username="watcher"))
    outcomes = {"edit first": 0, "delete first": 0}
    for number in range(ROUNDS):
        posted = client.post(
            f"/rooms/{general}/messages",
            json={"message": f"draft {number}"},
            headers=member.headers,
        ).get_json()
        watcher.get_received()

        edit, remove = race(
            rest(app, "PATCH", f"/messages/{posted['id']}", member, json={"message": "EDITED"}),
            rest(app, "DELETE", f"/messages/{posted['id']}", member),
        )

        assert remove.value.status_code == 204, remove.value.get_json()
        with app.app_context():
            row = db.session.get(Message, posted["id"])
            assert (row.deleted, row.body) == (True, ""), f"round {number}"
        told = [
            (e["name"], e["args"][0]["id"])
            for e in watcher.get_received()
            if e["name"] in ("message_updated", "message_deleted")
        ]
        if edit.value.status_code == 200:
            outcomes["edit first"] += 1
            # Both were told. In which order, here, is up to the threads: each request emits
            # only after its COMMIT returns, and the deletion may get there first.
            assert sorted(told) == [
                ("message_deleted", posted["id"]),
                ("message_updated", posted["id"]),
            ], f"round {number}"
        else:  # the edit came second: as for any deleted message
            outcomes["delete first"] += 1
            error_of(edit.value, 404, "message_not_found")
            assert told == [("message_deleted", posted["id"])], f"round {number}"
        committed_once_if_ok(edit)
        committed_once_if_ok(remove)
    assert sum(outcomes.values()) == ROUNDS, outcomes


# --- 2. Two admins demoting each other ------------------------------------------------------

# How the loser of a race between two admins is refused: the admin set it would change is
# the last admin by now; or it was itself demoted (403) or signed out (401) before its
# request was even authenticated.
LOST = {409: "last_admin", 403: "forbidden", 401: "token_invalid"}


def one_wins(answers: list[Answer], number: int) -> int:
    """Assert exactly one of the racing requests succeeded; return its index."""
    statuses = [answer.value.status_code for answer in answers]
    won = [index for index, status in enumerate(statuses) if status < 400]
    assert len(won) == 1, f"round {number}: {statuses}"
    lost = answers[1 - won[0]].value
    error_of(lost, lost.status_code, LOST.get(lost.status_code, "a refusal"))
    for answer in answers:
        committed_once_if_ok(answer)
    return won[0]


def test_two_admins_demoting_each_other_leave_one_admin(app, race, api: Api):
    first, second = api.admin(username="first"), api.admin(username="second")
    for number in range(ROUNDS):
        answers = race(
            rest(app, "PATCH", f"/users/{second.id}", first, json={"role": "member"}),
            rest(app, "PATCH", f"/users/{first.id}", second, json={"role": "member"}),
        )

        one_wins(answers, number)
        with app.app_context():
            admins = db.session.scalars(select(User).where(User.role == "admin")).all()
            assert len(admins) == 1, f"round {number}"
            for user in db.session.scalars(select(User).where(User.id.in_([first.id, second.id]))):
                user.role = "admin"
            db.session.commit()


def test_an_admin_deleting_the_other_while_demoted_leaves_one_admin(app, race, api: Api):
    first = api.admin(username="first")
    for number in range(ROUNDS):
        second = api.admin(username=f"second{number}")
        answers = race(
            rest(app, "DELETE", f"/users/{second.id}", first),
            rest(app, "PATCH", f"/users/{first.id}", second, json={"active": False}),
        )

        won = one_wins(answers, number)
        with app.app_context():
            query = select(User).where(User.role == "admin", User.active.is_(True))
            assert len(db.session.scalars(query).all()) == 1, f"round {number}"
            for user in db.session.scalars(select(User).where(User.role == "admin")):
                user.active, user.role = True, "admin" if user.id == first.id else "member"
            db.session.commit()
        if won == 1:  # first was deactivated, and signed out: sign in again
            first = api.login(first)


# --- 3. Deleting a room while its members send ----------------------------------------------


@FAST
def test_sending_to_a_room_deleted_meanwhile_is_room_not_found(app, client, race, api: Api):
    owner, writer, talker = (api.member(username=name) for name in ("owner", "writer", "talker"))
    talking = bystander(app, client, talker)
    outcomes = {"sent": 0, "room_not_found": 0}
    for number in range(ROUNDS):
        made = client.post("/rooms", json={"name": f"doomed-{number}"}, headers=owner.headers)
        room_id = made.get_json()["id"]
        for account in (writer, talker):
            assert client.post(f"/rooms/{room_id}/join", headers=account.headers).status_code == 200

        deleted, posted, live = race(
            rest(app, "DELETE", f"/rooms/{room_id}", owner),
            rest(app, "POST", f"/rooms/{room_id}/messages", writer, json={"message": "hi"}),
            functools.partial(
                talking.emit, "send_message", {"room": room_id, "message": "hi"}, callback=True
            ),
        )

        assert deleted.value.status_code == 204, deleted.value.get_json()
        committed_once_if_ok(deleted)
        if posted.value.status_code == 201:
            outcomes["sent"] += 1
        else:
            outcomes["room_not_found"] += 1
            error_of(posted.value, 404, "room_not_found")
        committed_once_if_ok(posted)
        ack = live.value
        if ack["ok"]:
            outcomes["sent"] += 1
            assert live.commits == 1
        else:
            outcomes["room_not_found"] += 1
            assert ack["error"]["code"] == "room_not_found", f"round {number}: {ack}"
            assert live.commits == 0
        with app.app_context():
            assert db.session.get(Room, room_id) is None
    assert sum(outcomes.values()) == 2 * ROUNDS, outcomes
