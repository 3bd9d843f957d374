"""Processes started together on an empty database: one migrates, the others wait for it
(PostgreSQL advisory lock), and all of them come up.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from papo.server.migrations import ADVISORY_LOCK_KEY
from scale.servers import START_TIMEOUT, cluster_env, processes, start_all
from support.waiting import wait_until

ON_EMPTY_POSTGRES = pytest.mark.parametrize("empty_db_url", ["postgresql"], indirect=True)
ON_EMPTY_SQLITE = pytest.mark.parametrize("empty_db_url", ["sqlite"], indirect=True)


def schema_rows(url: str) -> tuple[list, list]:
    """The alembic version rows, and the rooms called general."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            general = connection.execute(text("SELECT id FROM rooms WHERE name = 'general'")).all()
            return versions, general
    finally:
        engine.dispose()


def waiting_for_the_lock(connection) -> int:
    """How many sessions wait for the migrations' advisory lock."""
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND classid = 0 AND objid = :key"
    )
    return connection.execute(query, {"key": ADVISORY_LOCK_KEY}).scalar_one()


@ON_EMPTY_SQLITE  # on PostgreSQL, the shared deployment of conftest.py starts this way
def test_processes_started_together_on_an_empty_database_all_come_up(
    empty_db_url, redis_server, tmp_path
):
    env = cluster_env(empty_db_url, redis_server.url)

    servers = start_all(processes(tmp_path, 2, env))

    try:
        versions, general = schema_rows(empty_db_url)
        assert len(versions) == 1 and len(general) == 1
        assert all("Traceback" not in server.log() for server in servers)
    finally:
        for server in servers:
            server.stop()


@ON_EMPTY_POSTGRES
def test_processes_wait_for_the_migration_lock_and_come_up_once_it_is_free(
    empty_db_url, redis_server, tmp_path
):
    servers = processes(tmp_path, 2, cluster_env(empty_db_url, redis_server.url))
    engine = create_engine(empty_db_url)
    lock = {"key": ADVISORY_LOCK_KEY}
    try:
        with ThreadPoolExecutor(max_workers=1) as pool, engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), lock)  # as a migration would
            starting = pool.submit(start_all, servers)
            try:
                with engine.connect() as observer:
                    wait_until(lambda: waiting_for_the_lock(observer) == 2, START_TIMEOUT, "2")
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), lock)
                holder.commit()

            assert starting.result(timeout=START_TIMEOUT) == servers
        versions, general = schema_rows(empty_db_url)
        assert len(versions) == 1 and len(general) == 1
        assert all("Traceback" not in server.log() for server in servers)
    finally:  # the pool's exit has waited for the start to end, one way or the other
        for server in servers:
            server.stop()
        engine.dispose()
