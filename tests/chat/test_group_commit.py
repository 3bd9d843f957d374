"""Group commit: messages sent together share one transaction, each sender gets its own answer."""

from __future__ import annotations

import threading

from sqlalchemy import select

from papo.server.errors import ApiError
from papo.server.extensions import db
from papo.server.models import Message, Room, User
from papo.server.services import messages
from papo.server.services.group_commit import GroupCommit, GroupCommitByKey
from papo.server.services.realtime import PENDING

WAIT = 10.0


# --- The mechanism: real threads, a store function that records its batches ----------------


class Recorder:
    """A store function that can be held: senders pile up behind the batch it is storing."""

    def __init__(self) -> None:
        self.batches: list[list] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, items: list) -> list:
        self.batches.append(list(items))
        self.entered.set()
        assert self.release.wait(WAIT)
        return [ValueError(f"refused {i}") if str(i).startswith("bad") else i * 2 for i in items]


def submit_all(group: GroupCommit, items: list) -> dict:
    """Submit each item from its own thread; the outcome (or exception) of each."""
    outcomes: dict = {}

    def send(item) -> None:
        try:
            outcomes[item] = group.submit(item)
        except BaseException as exc:  # a stopped leader's own Stop, too
            outcomes[item] = exc

    threads = [threading.Thread(target=send, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return outcomes


def wait_in_line(group: GroupCommit, count: int) -> None:
    """Wait (bounded) until `count` senders are in line for the next batch."""
    done = threading.Event()
    for _ in range(int(WAIT / 0.01)):
        if len(group._waiting) >= count:
            return
        done.wait(0.01)
    raise AssertionError(f"{len(group._waiting)} senders in line, not {count}")


def test_a_lone_sender_is_a_batch_of_one():
    store = Recorder()
    group = GroupCommit(store, pause=lambda: None)
    assert group.submit(21) == 42
    assert store.batches == [[21]]


def test_senders_arriving_while_a_batch_is_stored_share_the_next_one():
    store = Recorder()
    store.release.clear()
    group = GroupCommit(store, pause=lambda: None)
    first = threading.Thread(target=group.submit, args=(1,))
    first.start()
    assert store.entered.wait(WAIT)  # the first batch is being stored: the others wait
    waiting = threading.Thread(target=submit_all, args=(group, list(range(2, 12))))
    waiting.start()
    wait_in_line(group, 10)
    store.release.set()
    first.join(WAIT)
    waiting.join(WAIT)
    assert store.batches[0] == [1]
    assert sorted(store.batches[1]) == list(range(2, 12))  # one transaction for the ten
    assert (group.tally.batches, group.tally.items) == (2, 11)


def test_each_sender_gets_its_own_outcome_and_its_own_refusal():
    group = GroupCommit(Recorder(), pause=lambda: None)
    outcomes = submit_all(group, [1, 2, "bad-3", 4])
    assert outcomes[1] == 2 and outcomes[2] == 4 and outcomes[4] == 8
    assert isinstance(outcomes["bad-3"], ValueError)


def test_a_batch_that_fails_fails_every_sender_in_it():
    def broken(_items: list) -> list:
        raise ConnectionError("database gone")

    group = GroupCommit(broken, pause=lambda: None)
    outcomes = submit_all(group, [1, 2, 3])
    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes.values())
    assert len(outcomes) == 3


def test_a_batch_holds_at_most_the_limit_and_the_rest_follow():
    store = Recorder()
    store.release.clear()
    group = GroupCommit(store, pause=lambda: None, limit=3)
    first = threading.Thread(target=group.submit, args=(0,))
    first.start()
    assert store.entered.wait(WAIT)
    outcomes: dict = {}
    waiting = threading.Thread(target=lambda: outcomes.update(submit_all(group, [*range(1, 8)])))
    waiting.start()
    wait_in_line(group, 7)
    store.release.set()
    first.join(WAIT)
    waiting.join(WAIT)
    assert max(len(batch) for batch in store.batches) == 3
    assert sorted(i for batch in store.batches for i in batch) == list(range(8))
    # Whichever sender the turn came to first, each got its own answer.
    assert outcomes == {i: i * 2 for i in range(1, 8)}


class Stop(BaseException):
    """Stands for the GreenletExit a stopping server throws into a greenlet."""


def test_a_stopped_leader_stops_alone_and_its_batch_is_told_so():
    store = Recorder()
    store.release.clear()
    group = GroupCommit(store, pause=lambda: None)
    first = threading.Thread(target=group.submit, args=(1,))
    first.start()
    assert store.entered.wait(WAIT)
    outcomes: dict = {}
    waiting = threading.Thread(target=lambda: outcomes.update(submit_all(group, [2, 3])))
    waiting.start()
    wait_in_line(group, 2)

    def stopped(_items: list) -> list:
        raise Stop

    group._store = stopped  # whoever leads the next batch is stopped while storing it
    store.release.set()
    first.join(WAIT)
    waiting.join(WAIT)
    kinds = sorted(type(outcome).__name__ for outcome in outcomes.values())
    assert kinds == ["LeaderStopped", "Stop"]  # the leader stops; the other is answered
    assert group._waiting == []


def test_a_batch_held_up_in_one_room_holds_up_no_other_room():
    entered, release = threading.Event(), threading.Event()

    def store(items: list) -> list:
        if "held" in items:  # waits, as for a row lock another process holds
            entered.set()
            assert release.wait(WAIT)
        return list(items)

    rooms = GroupCommitByKey(store, pause=lambda: None)
    held = threading.Thread(target=rooms.submit, args=(1, "held"))
    held.start()
    assert entered.wait(WAIT)
    answers: list = []
    free = threading.Thread(target=lambda: answers.append(rooms.submit(2, "free")))
    free.start()
    free.join(2.0)
    answered_while_held = list(answers)
    release.set()
    held.join(WAIT)
    free.join(WAIT)
    assert answered_while_held == ["free"]
    assert len(rooms._groups) == 0  # an idle room keeps no group


# --- Storing a batch on SQLite and PostgreSQL ------------------------------------------------


def draft(author, room: Room, text: str, client_id: str | None = None) -> messages.Draft:
    person = messages.person(db.session.get(User, author.id))
    return messages.Draft(person, room.id, room.name, text, client_id)


def stored_in(room_id: int) -> list[Message]:
    query = select(Message).where(Message.room_id == room_id).order_by(Message.id)
    return list(db.session.scalars(query))


def test_a_batch_is_stored_in_one_go_with_contiguous_seqs_and_growing_ids(
    app, member, bob, general, new_room
):
    side_id = new_room(member)["id"]
    with app.app_context():
        room, side = db.session.get(Room, general), db.session.get(Room, side_id)
        batch = [draft(member, room, "one"), draft(bob, side, "elsewhere"), draft(bob, room, "two")]
        outcomes = messages.store_batch(batch)
        db.session.remove()

        assert [(o[0]["message"], o[1]) for o in outcomes] == [
            ("one", True),
            ("elsewhere", True),
            ("two", True),
        ]
        rows = stored_in(general)
        assert [(m.body, m.seq) for m in rows] == [("one", 1), ("two", 2)]
        assert rows[0].id < rows[1].id
        assert [o[0]["id"] for o in outcomes] == [rows[0].id, stored_in(side_id)[0].id, rows[1].id]
        room = db.session.get(Room, general)
        assert (room.last_seq, room.last_message_id) == (2, rows[1].id)


def test_a_room_deleted_before_its_batch_refuses_only_its_messages(app, member, general):
    with app.app_context():
        room = db.session.get(Room, general)
        gone = messages.Draft(
            messages.person(db.session.get(User, member.id)), 999_999, "x", "hi", None
        )
        kept, refused = messages.store_batch([draft(member, room, "kept"), gone])
        db.session.remove()
        assert kept[1] is True
        assert isinstance(refused, ApiError) and refused.status_code == 404
        assert [m.body for m in stored_in(general)] == ["kept"]


def test_a_batch_answers_each_message_as_clients_see_it(app, member, general):
    with app.app_context():
        room = db.session.get(Room, general)
        [(payload, created)] = messages.store_batch([draft(member, room, "hello", "c-1")])
        stored = db.session.get(Message, payload["id"])
        assert created and payload == messages.public(stored, stored.room)


def test_a_client_id_repeated_inside_one_batch_stores_one_message(app, member, general):
    with app.app_context():
        room = db.session.get(Room, general)
        first, again = messages.store_batch(
            [draft(member, room, "once", "same"), draft(member, room, "once", "same")]
        )
        db.session.remove()
        assert first[1] is True and again[1] is False
        assert again[0]["id"] == first[0]["id"]
        assert [m.body for m in stored_in(general)] == ["once"]


def test_a_repeat_in_a_batch_does_not_cost_the_others_their_place(app, member, general):
    with app.app_context():
        room = db.session.get(Room, general)
        [(earlier, _)] = messages.store_batch([draft(member, room, "first", "old")])
        repeat = draft(member, room, "first", "old")
        outcomes = messages.store_batch(
            [draft(member, room, "new-1"), repeat, draft(member, room, "new-2")]
        )
        db.session.remove()
        assert [o[1] for o in outcomes] == [True, False, True]
        assert outcomes[1][0]["id"] == earlier["id"]
        assert [(m.body, m.seq) for m in stored_in(general)] == [
            ("first", 1),
            ("new-1", 2),
            ("new-2", 3),
        ]


def test_a_batch_is_broadcast_in_order_once_committed(app, connect, member, bob, general):
    listener = connect(bob)
    with app.app_context():
        room = db.session.get(Room, general)
        messages.store_batch([draft(member, room, "a"), draft(member, room, "b")])
        assert PENDING not in db.session.info
    assert [m["message"] for m in listener.received("receive_message")] == ["a", "b"]


def test_concurrent_sends_through_the_app_are_all_stored_once(app, member, general):
    """Threads sending at once: every message stored once, seqs without a gap, in id order."""
    senders = 8
    results: list = []

    def send(n: int) -> None:
        with app.app_context():
            room = db.session.get(Room, general)
            person = messages.person(db.session.get(User, member.id))
            results.append(messages.send(author=person, room=room, text=f"m{n}", client_id=f"{n}"))
            db.session.remove()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert len(results) == senders and all(created for _p, created in results)
    with app.app_context():
        rows = stored_in(general)
        assert sorted(m.seq for m in rows) == list(range(1, senders + 1))
        assert [m.seq for m in sorted(rows, key=lambda m: m.id)] == list(range(1, senders + 1))
    assert app.extensions["papo"].message_batches.tally.items == senders
