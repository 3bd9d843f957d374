"""Marks that run a test on one database only (the others run on SQLite and PostgreSQL)."""

import pytest

# The shared deployment, on SQLite only: for behaviour that lives in Redis, not the database.
SHARED_SQLITE = pytest.mark.parametrize("shared_cluster", ["sqlite"], indirect=True)
# The shared deployment, on PostgreSQL only.
SHARED_POSTGRESQL = pytest.mark.parametrize(
    "shared_cluster", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
# The test's own database (`db_url`), on SQLite only.
OWN_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
