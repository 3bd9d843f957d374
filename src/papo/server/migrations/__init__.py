"""Alembic migrations, applied on start-up and by `papo db upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask

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
        with engine.connect() as connection:
            cfg = alembic_config(str(engine.url))
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
