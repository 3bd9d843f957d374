"""Alembic migrations: from nothing to head, again as a no-op, down to base and up again."""

import fcntl
import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, table

from papo.server import Config, create_app, models  # noqa: F401  (models fill the metadata)
from papo.server.extensions import db
from papo.server.migrations import alembic_config, upgrade
from support.apps import dispose

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture
def engine(empty_db_url):
    engine = create_engine(empty_db_url)
    yield engine
    engine.dispose()


def revision(engine):
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def tables(engine):
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def row_counts(engine):
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table(name)))
            for name in sorted(tables(engine))
        }


def test_upgrade_builds_every_table_from_an_empty_database(empty_db_url, engine):
    command.upgrade(alembic_config(empty_db_url), "head")

    assert revision(engine) == HEAD
    assert tables(engine) == set(db.metadata.tables)


def test_a_second_upgrade_changes_nothing(empty_db_url, engine):
    command.upgrade(alembic_config(empty_db_url), "head")
    before = (revision(engine), row_counts(engine))

    command.upgrade(alembic_config(empty_db_url), "head")

    assert (revision(engine), row_counts(engine)) == before


def test_downgrade_to_base_then_upgrade_again(empty_db_url, engine):
    config = alembic_config(empty_db_url)
    command.upgrade(config, "head")

    command.downgrade(config, "base")
    assert tables(engine) == set()
    assert revision(engine) is None

    command.upgrade(config, "head")
    assert revision(engine) == HEAD


def test_each_revision_downgrades_and_upgrades_in_turn(empty_db_url, engine):
    config = alembic_config(empty_db_url)
    revisions = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]

    for target in reversed(revisions):  # oldest first
        command.upgrade(config, target)
        command.downgrade(config, "-1")
        command.upgrade(config, target)
        assert revision(engine) == target


def test_the_migrated_schema_matches_the_models(empty_db_url, engine):
    command.upgrade(alembic_config(empty_db_url), "head")

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)

    assert differences == []


def test_the_app_migrates_its_database_at_start_up(empty_db_url, engine, tmp_path):
    config = Config.from_env(
        environ={}, instance_dir=tmp_path, database_url=empty_db_url, testing=True
    )
    app = create_app(config)
    dispose(app)

    assert revision(engine) == HEAD


def test_upgrade_through_the_app_is_idempotent(empty_db_url, engine, tmp_path):
    config = Config.from_env(
        environ={}, instance_dir=tmp_path, database_url=empty_db_url, auto_migrate=False
    )
    app = create_app(config)
    upgrade(app)
    before = row_counts(engine)

    upgrade(app)
    dispose(app)

    assert (revision(engine), row_counts(engine)) == (HEAD, before)


def test_an_upgrade_of_a_sqlite_file_waits_for_one_already_running(tmp_path):
    """Alembic runs SQLite's DDL outside a transaction: two processes starting together
    must take turns, or both create the version table."""
    path = tmp_path / "papo.sqlite3"
    config = Config.from_env(
        environ={}, instance_dir=tmp_path, database_url=f"sqlite:///{path}", auto_migrate=False
    )
    app = create_app(config)
    finished = threading.Event()
    upgrading = threading.Thread(target=lambda: (upgrade(app), finished.set()))
    try:
        with open(f"{path}.migrating", "a") as other:  # another process is upgrading
            fcntl.flock(other, fcntl.LOCK_EX)
            upgrading.start()
            assert not finished.wait(1.0), "the upgrade did not wait for its turn"
            fcntl.flock(other, fcntl.LOCK_UN)
        assert finished.wait(30)
        engine = create_engine(f"sqlite:///{path}")
        assert revision(engine) == HEAD
        engine.dispose()
    finally:
        upgrading.join(30)
        dispose(app)
