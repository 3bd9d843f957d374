"""A race lost to another process answers with what that process made, never None."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apiflask import APIFlask
from sqlalchemy import delete, event, text

from papo.server.extensions import db
from papo.server.models import Room
from papo.server.services import rooms
from papo.server.transaction import retry_on_conflict, unit_of_work


@contextmanager
def racing(app: APIFlask, table: str, sql: str, **params: Any) -> Iterator[None]:
    """Just before the app's first INSERT into `table`, another connection runs `sql` and
    commits: someone else doing the same thing at the same moment."""
    with app.app_context():
        engine = db.engine
    done: list[bool] = []

    def first(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not done and statement.startswith(f"INSERT INTO {table}"):
            done.append(True)
            with engine.connect() as other:
                other.execute(text(sql), params)
                other.commit()

    event.listen(engine, "before_cursor_execute", first)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", first)
    assert done, f"nothing was inserted into {table}"


def test_general_created_by_another_process_meanwhile_is_the_one_returned(app):
    with app.app_context():
        db.session.execute(delete(Room).where(Room.name == rooms.GENERAL))
        db.session.commit()
    insert_general = (
        "INSERT INTO rooms (name, topic, private, kind, created_at, last_seq, last_message_id)"
        " VALUES ('general', 'theirs', false, 'channel', CURRENT_TIMESTAMP, 0, 0)"
    )
    with racing(app, "rooms", insert_general), app.app_context(), unit_of_work():
        made = retry_on_conflict(rooms.ensure_general)
        assert made.topic == "theirs"


def test_a_direct_room_opened_by_the_other_person_meanwhile_is_the_one_returned(
    app, client, api, member
):
    other = api.member(username="other")
    low, high = sorted((member.id, other.id))
    insert_direct = (
        "INSERT INTO rooms (name, topic, private, kind, direct_key, created_at, last_seq,"
        " last_message_id) VALUES (:name, 'theirs', true, 'direct', :key, CURRENT_TIMESTAMP, 0, 0)"
    )
    with racing(app, "rooms", insert_direct, name=f"dm:{low}:{high}", key=f"{low}:{high}"):
        response = client.post("/rooms/direct", json={"user_id": other.id}, headers=member.headers)

    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["topic"]) == (
        f"dm:{low}:{high}",
        "theirs",
    )
