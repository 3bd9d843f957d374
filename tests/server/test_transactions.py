"""One owner of the transaction: services only flush; the request, event or command commits.

Each public service function that writes runs here inside a transaction that is then rolled
back: if the function had committed, its change would still be in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from apiflask import APIFlask
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from papo.server.errors import ApiError
from papo.server.extensions import db
from papo.server.models import AuthSession, Membership, Message, Room, User, utcnow
from papo.server.services import after_commit, auth, messages, rooms, sessions, users
from papo.server.transaction import Redo, retry_on_conflict, unit_of_work
from support.accounts import PASSWORD, Account

TABLES = (User, AuthSession, Room, Membership, Message)


def stored(app: APIFlask) -> dict[str, list[tuple[Any, ...]]]:
    """Every committed row, read on a connection of its own."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            model.__tablename__: sorted(
                tuple(row) for row in connection.execute(select(model.__table__))
            )
            for model in TABLES
        }


def user(account: Account) -> User:
    found = db.session.get(User, account.id)
    assert found is not None
    return found


def room(name: str) -> Room:
    found = db.session.scalar(select(Room).where(Room.name == name))
    assert found is not None
    return found


def first_message() -> Message:
    found = db.session.scalar(select(Message).order_by(Message.id))
    assert found is not None
    return found


Cast = dict[str, Account]
WRITES: dict[str, Callable[[Cast], object]] = {
    "users.create_user": lambda c: users.create_user(username="new", password=PASSWORD, name="N"),
    "users.update_user": lambda c: users.update_user(
        actor=user(c["root"]), user=user(c["alice"]), changes={"name": "X", "password": "p" * 9}
    ),
    "users.delete_user": lambda c: users.delete_user(actor=user(c["root"]), user=user(c["bob"])),
    "auth.register": lambda c: auth.register(username="newer", password=PASSWORD, name="N"),
    "auth.login": lambda c: auth.login(username="alice", password=PASSWORD),
    "sessions.start": lambda c: sessions.start(user(c["alice"])),
    "sessions.resolve": lambda c: sessions.resolve(
        c["alice"].token or "",
        now=utcnow() + timedelta(minutes=2),  # due for a touch
    ),
    "sessions.end": lambda c: sessions.end(user(c["alice"]), _session_of(c["alice"])),
    "sessions.end_all": lambda c: sessions.end_all(user(c["alice"])),
    "rooms.create_room": lambda c: rooms.create_room(creator=user(c["alice"]), name="fresh"),
    "rooms.update_room": lambda c: rooms.update_room(
        actor=user(c["alice"]), room=room("den"), changes={"topic": "new"}
    ),
    "rooms.delete_room": lambda c: rooms.delete_room(actor=user(c["alice"]), room=room("den")),
    "rooms.join": lambda c: rooms.join(user=user(c["bob"]), room=room("den")),
    "rooms.leave": lambda c: rooms.leave(user=user(c["alice"]), room=room("den")),
    "rooms.add_member": lambda c: rooms.add_member(
        actor=user(c["alice"]), room=room("den"), user=user(c["bob"])
    ),
    "rooms.remove_member": lambda c: rooms.remove_member(
        actor=user(c["alice"]), room=room("den"), user=user(c["alice"])
    ),
    "rooms.open_direct": lambda c: rooms.open_direct(user=user(c["alice"]), other=user(c["bob"])),
    "rooms.mark_read": lambda c: rooms.mark_read(
        user=user(c["bob"]), room=room("general"), message_id=first_message().id
    ),
    "messages.post": lambda c: messages.post(
        author=messages.person(user(c["alice"])), ref="general", text="hello"
    ),
    "messages.send": lambda c: messages.send(
        author=messages.person(user(c["alice"])), room=room("den"), text="hello"
    ),
    "messages.edit": lambda c: messages.edit(
        actor=user(c["bob"]), message_id=first_message().id, text="changed"
    ),
    "messages.remove": lambda c: messages.remove(
        actor=user(c["bob"]), message_id=first_message().id
    ),
}


def _session_of(account: Account) -> int:
    assert account.session_id is not None
    return account.session_id


@pytest.fixture
def cast(api, admin, member, client, general_id) -> Cast:
    """An admin, two members, alice's channel `den`, and one message in `general`."""
    bob = api.member(username="bob")
    assert client.post("/rooms", json={"name": "den"}, headers=member.headers).status_code == 201
    posted = client.post(
        f"/rooms/{general_id}/messages", json={"message": "hi"}, headers=bob.headers
    )
    assert posted.status_code == 201
    return {"root": admin, "alice": member, "bob": bob}


@pytest.fixture
def commits(app: APIFlask):
    """The number of commits of the app's database sessions while the test runs."""
    counted: list[Session] = []

    def count(session: Session) -> None:
        counted.append(session)

    event.listen(Session, "after_commit", count)
    yield counted
    event.remove(Session, "after_commit", count)


@pytest.mark.parametrize("name", list(WRITES))
def test_a_service_only_flushes_and_its_caller_decides(app, cast, commits, name):
    before = stored(app)
    with app.app_context():
        WRITES[name](cast)
        db.session.flush()  # whatever it changed reached the database, uncommitted
        db.session.rollback()

    assert commits == []
    assert stored(app) == before


@pytest.mark.app_config(token_idle_minutes=10)
def test_refusing_an_expired_token_removes_its_session_only_once_committed(app, member, commits):
    before = stored(app)
    with app.app_context():
        with pytest.raises(ApiError, match="expired"):
            sessions.resolve(member.token or "", now=utcnow() + timedelta(minutes=11))
        db.session.rollback()
    assert (commits, stored(app)) == ([], before)

    with pytest.raises(ApiError), app.app_context(), unit_of_work(keep_on=(ApiError,)):
        sessions.resolve(member.token or "", now=utcnow() + timedelta(minutes=11))

    assert len(stored(app)["auth_sessions"]) == len(before["auth_sessions"]) - 1


def test_creating_general_commits_nothing_by_itself(app):
    with app.app_context():
        db.session.execute(delete(Room).where(Room.name == rooms.GENERAL))
        db.session.commit()
    with app.app_context():
        rooms.ensure_general()
        db.session.rollback()
    with app.app_context(), unit_of_work():
        made = retry_on_conflict(rooms.ensure_general)

    with app.app_context():
        assert room("general").id == made.id


def test_the_unit_of_work_commits_what_the_block_did(app, member):
    with app.app_context(), unit_of_work():
        rooms.create_room(creator=user(member), name="kept")

    with app.app_context():
        assert room("kept").created_by == member.id


def test_the_unit_of_work_rolls_everything_back_when_the_block_raises(app, member):
    before = stored(app)
    with pytest.raises(RuntimeError), app.app_context(), unit_of_work():
        rooms.create_room(creator=user(member), name="dropped")
        raise RuntimeError("the request failed after the service ran")

    assert stored(app) == before


def test_a_redo_rolls_back_then_answers(app, member):
    def clashing() -> str:
        rooms.create_room(creator=user(member), name="undone")
        raise Redo(lambda: "answered")

    with app.app_context(), unit_of_work():
        assert retry_on_conflict(clashing) == "answered"

    with app.app_context():
        assert db.session.scalar(select(Room).where(Room.name == "undone")) is None


def test_a_failing_request_stores_nothing_it_did_before_failing(client, app, admin):
    before = stored(app)
    # The password change ends admin's other sessions, then demoting the last admin fails.
    body = {"password": "another password", "current_password": PASSWORD, "role": "member"}
    response = client.patch(f"/users/{admin.id}", json=body, headers=admin.headers)

    assert response.status_code == 409
    assert stored(app) == before


def test_a_repeated_client_id_answers_200_with_the_first_message_as_a_duplicate(
    client, member, general_id
):
    body = {"message": "once", "client_id": "c-1"}
    first = client.post(f"/rooms/{general_id}/messages", json=body, headers=member.headers)
    again = client.post(f"/rooms/{general_id}/messages", json=body, headers=member.headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.get_json()["duplicate"], again.get_json()["duplicate"]) == (False, True)
    assert {**again.get_json(), "duplicate": False} == first.get_json()


def test_a_message_without_client_id_is_never_a_duplicate(client, member, general_id):
    body = {"message": "twice"}
    answers = [
        client.post(f"/rooms/{general_id}/messages", json=body, headers=member.headers)
        for _ in range(2)
    ]

    assert [(a.status_code, a.get_json()["duplicate"]) for a in answers] == [(201, False)] * 2
    assert answers[0].get_json()["id"] != answers[1].get_json()["id"]


def test_the_document_declares_the_duplicates_200(client):
    spec = client.get("/openapi.json").get_json()
    answers = spec["paths"]["/rooms/{room_id}/messages"]["post"]["responses"]
    posted = {"$ref": "#/components/schemas/PostedMessageOut"}

    assert answers["201"]["content"]["application/json"]["schema"] == posted
    assert answers["200"]["content"]["application/json"]["schema"] == posted
    duplicate = spec["components"]["schemas"]["PostedMessageOut"]["properties"]["duplicate"]
    assert duplicate["type"] == "boolean"


@pytest.fixture
def general_id(app: APIFlask) -> int:
    with app.app_context():
        return room("general").id


def test_a_unit_of_work_that_only_read_sends_no_commit(app, member, commits):
    with app.app_context(), unit_of_work():
        rooms.list_visible(user(member))

    assert commits == []


def test_a_unit_of_work_that_wrote_commits_once(app, member, commits):
    with app.app_context(), unit_of_work():
        rooms.create_room(creator=user(member), name="once")
        rooms.list_visible(user(member))

    assert len(commits) == 1


def test_queued_broadcasts_alone_are_committed_and_run(app, member):
    ran: list[str] = []
    with app.app_context(), unit_of_work():
        rooms.list_visible(user(member))
        after_commit.after_commit(lambda: ran.append("told"))

    assert ran == ["told"]


def test_a_change_not_yet_flushed_is_committed(app, member):
    with app.app_context(), unit_of_work():
        user(member).name = "Changed, not flushed"

    with app.app_context():
        assert user(member).name == "Changed, not flushed"
