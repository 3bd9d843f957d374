"""The database under several processes: a request waiting on the database holds up only
itself. Papo serves with gevent (one OS thread, a greenlet per request or event), and psycopg 3
waits for PostgreSQL cooperatively once gevent has patched the standard library.
"""

import threading

import pytest
import requests
from sqlalchemy import create_engine, text

from chat.clients import WAIT
from scale.backends import SHARED_POSTGRESQL
from support.waiting import wait_until

STALL = 2.0  # seconds a request may take while another waits on a lock
POOL_LIMIT = 10 + 20  # pool_size + max_overflow of each process (app._engine_options)


def waiting_for_locks(engine) -> int:
    """How many sessions of the database wait for a lock right now."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with engine.connect() as observer:
        return observer.execute(query).scalar_one()


@SHARED_POSTGRESQL
def test_a_process_keeps_serving_while_one_of_its_writes_waits_for_a_row_lock(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana)
    blocked, other = connect(ana, cluster[0]), connect(ben, cluster[0])
    acks: list = []
    done = threading.Event()
    engine = create_engine(cluster.database_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("SELECT id FROM rooms WHERE id = :id FOR UPDATE"), {"id": room})
            body = {"room": room, "message": "waits for the lock", "client_id": "locked"}
            blocked.sio.emit(
                "send_message", body, callback=lambda ack: (acks.append(ack), done.set())
            )
            wait_until(lambda: waiting_for_locks(engine) == 1, WAIT, "the write waiting")

            health = requests.get(f"{cluster[0].url}/health", timeout=STALL)
            elsewhere = other.call("send_message", {"message": "meanwhile"}, timeout=STALL)
            assert not done.is_set(), "the write still waits for the lock"
            holder.rollback()
        assert done.wait(STALL * 5)
    finally:
        engine.dispose()

    assert health.status_code == 200
    assert elsewhere["ok"] is True
    assert acks[0]["ok"] is True, acks


@pytest.mark.slow
@SHARED_POSTGRESQL
def test_a_request_finding_the_connection_pool_exhausted_is_told_to_retry_later(
    cluster, connect, new_room
):
    ana = cluster.member()
    room = new_room(ana)
    sender = connect(ana, cluster[0])
    acks: list = []
    engine = create_engine(cluster.database_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("SELECT id FROM rooms WHERE id = :id FOR UPDATE"), {"id": room})
            for n in range(POOL_LIMIT):  # each waits for the lock, holding a pooled connection
                body = {"room": room, "message": f"queued {n}", "client_id": f"q{n}"}
                sender.sio.emit("send_message", body, callback=acks.append)
            wait_until(lambda: waiting_for_locks(engine) == POOL_LIMIT, WAIT, "a full pool")
            me = requests.get(f"{cluster[0].url}/auth/me", headers=ana.headers, timeout=90)
            holder.rollback()
        sender.wait_for(lambda: len(acks) == POOL_LIMIT, timeout=30)
    finally:
        engine.dispose()
        cluster.mark_logs()  # a 500 logs its traceback; the answer is what this test checks

    assert me.status_code == 503, me.text
    assert me.json()["error"]["code"] == "service_unavailable"
