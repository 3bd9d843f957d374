"""Crashes in the middle of a stream of messages lose nothing: the server killed with SIGKILL
and restarted (SQLite and PostgreSQL), or the database stopped dead and started again."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest

from reliability.conftest import record_figure
from reliability.pg_cluster import Cluster
from reliability.stream import Fault, check_nothing_lost, run_stream
from support.live_server import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]
WRITERS, PER_WRITER, KILLS = 6, 120, 3
LIVE_ENV = {"PAPO_MESSAGE_RATE": "1000", "PAPO_MESSAGE_BURST": "1000"}
OUTAGE_SECONDS = 3.0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, tmp_path) -> Iterator[LiveServer]:
    """A real server of the test's own, on SQLite or on a new database of the session's
    PostgreSQL cluster (DATABASE_URL)."""
    instance = tmp_path / "live"
    if request.param == "sqlite":
        env = {**LIVE_ENV, "DATABASE_URL": f"sqlite:///{instance / 'papo.sqlite3'}"}
        yield from _serving(LiveServer(instance, env=env))
        return
    postgres = request.getfixturevalue("postgres_server")
    dbname = f"papo_durable_{secrets.token_hex(4)}"
    with postgres.janitor(dbname):
        env = {**LIVE_ENV, "DATABASE_URL": postgres.url(dbname)}
        yield from _serving(LiveServer(instance, env=env))


def _serving(server: LiveServer) -> Iterator[LiveServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_sigkill_and_restart_lose_no_acknowledged_message(server, request):
    def crash():
        server.kill()
        server.start()

    started = time.monotonic()
    outcome = run_stream(
        server.url,
        writers=WRITERS,
        per_writer=PER_WRITER,
        faults=[Fault(crash, drops_connections=True)] * KILLS,
        timeout=240,
    )

    check_nothing_lost(outcome)
    assert len(outcome.acked) == WRITERS * PER_WRITER
    record_figure(
        f"SIGKILL durability [{request.node.callspec.id}]",
        {
            "kills": KILLS,
            "messages acknowledged": len(outcome.acked),
            "messages checked in the store": len(outcome.stored),
            "lost": 0,
            "sends retried after a lost ack": outcome.failures,
            "retries found already stored": outcome.duplicates,
            "reader resumes": outcome.resumes,
            "seconds": round(time.monotonic() - started, 1),
        },
    )


@pytest.mark.postgres
def test_a_database_crash_mid_stream_loses_and_half_writes_nothing(tmp_path):
    cluster = Cluster()
    try:
        cluster.start()
        url = cluster.create_database("papo_crash")
        server = LiveServer(tmp_path / "live", env={**LIVE_ENV, "DATABASE_URL": url}).start()

        def outage():
            cluster.stop()
            time.sleep(OUTAGE_SECONDS)
            cluster.start()

        try:
            outcome = run_stream(
                server.url,
                writers=WRITERS,
                per_writer=PER_WRITER,
                faults=[Fault(outage, drops_connections=False)] * KILLS,
                timeout=240,
            )
        finally:
            server.stop()
        assert "Traceback" not in server.log()
    finally:
        cluster.remove()

    check_nothing_lost(outcome)
    record_figure(
        "database crash durability [postgresql]",
        {
            "database crashes": KILLS,
            "seconds down each": OUTAGE_SECONDS,
            "messages acknowledged": len(outcome.acked),
            "messages checked in the store": len(outcome.stored),
            "lost": 0,
            "sends refused while down (service_unavailable)": outcome.refusals,
            "sends with no acknowledgement": outcome.failures,
            "retries found already stored": outcome.duplicates,
        },
    )
