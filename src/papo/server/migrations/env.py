"""Alembic environment: run migrations on the connection Papo hands over, or on the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

from papo.server import models  # noqa: F401  (registers the tables on the metadata)
from papo.server.extensions import db
from papo.server.migrations import ADVISORY_LOCK_KEY

target_metadata = db.metadata


def run(connection: Connection) -> None:
    """Run the migrations in one transaction, holding a lock on PostgreSQL."""
    is_postgres = connection.dialect.name == "postgresql"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        context.run_migrations()


def main() -> None:
    """Use the given connection if there is one, else connect to the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        connection.commit()
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("Alembic needs a connection or sqlalchemy.url to migrate")
    engine = create_engine(url)
    with engine.connect() as conn:
        run(conn)
        conn.commit()


main()
