"""GET /rooms answers in a fixed number of SQL statements, however many rooms it lists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from papo.server.extensions import db


@contextmanager
def counted_statements(app) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_listing_ten_rooms_runs_as_many_statements_as_listing_one(
    app, client, api, bob, new_room, fill
):
    def reader_of(count: int):
        """A member with `count` channels and `count` direct rooms, each with 2 unread."""
        reader = api.member()
        for _ in range(count):
            channel = new_room(bob)["id"]
            client.post(f"/rooms/{channel}/join", headers=reader.headers)
            fill(bob, channel, 2)
            other = api.member()
            body = {"user_id": other.id}
            direct = client.post("/rooms/direct", json=body, headers=reader.headers).get_json()
            fill(other, direct["id"], 2)
        return reader

    one, ten = reader_of(1), reader_of(10)
    counts, listed = [], []
    for reader in (one, ten):
        with counted_statements(app) as statements:
            response = client.get("/rooms", headers=reader.headers)
        counts.append(len(statements))
        listed.append([room for room in response.get_json() if room["member"]])

    assert counts[0] == counts[1]
    assert [len(rooms) for rooms in listed] == [1 + 2, 1 + 20]  # general, channels, directs
    unread = [room["unread"] for room in listed[1] if room["name"] != "general"]
    assert unread == [2] * 20
    peers = [room["peer"]["id"] for room in listed[1] if room["kind"] == "direct"]
    assert len(set(peers)) == 10 and ten.id not in peers
