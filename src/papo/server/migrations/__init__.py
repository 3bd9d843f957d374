"""Alembic migrations, applied on start-up and by `papo db upgrade`."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask
from sqlalchemy.engine import URL

HERE = Path(__file__).parent
# Any fixed number: PostgreSQL advisory lock key that serialises concurrent upgrades.
ADVISORY_LOCK_KEY = 7_361_501


def alembic_config(url: str) -> AlembicConfig:
    """Return an Alembic configuration for this package's migrations and `url`."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the app's database to `revision`; safe when several processes start together."""
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        with _sqlite_file_lock(engine.url), engine.connect() as connection:
            cfg = alembic_config(str(engine.url))
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)


@contextmanager
def _sqlite_file_lock(url: URL) -> Iterator[None]:
    """On a SQLite file, one upgrade at a time: Alembic runs SQLite's DDL outside a
    transaction, so two processes starting together could both create its version table.
    (PostgreSQL takes an advisory lock inside the migration transaction: env.py.)"""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        yield
        return
    with open(f"{database}.migrating", "a") as handle:  # the lock lives beside the database
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
