"""Fixtures for every test: real databases (SQLite and PostgreSQL 15), apps, clients, accounts.

Each backend is migrated once per session; every test then starts from the state the
migrations left (a copied SQLite file, or a PostgreSQL database put back to its seed rows).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from click.testing import CliRunner, Result
from pytest_postgresql.janitor import DatabaseJanitor
from sqlalchemy import URL, MetaData, Table, create_engine, make_url, select, text

from papo.commands import cli
from papo.server import Config, create_app
from support.accounts import Account, Api
from support.apps import dispose
from support.clock import FakeClock
from support.live_server import free_port

PG_BIN = Path(os.environ.get("PAPO_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_SUPERUSER = "postgres"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that changes the configuration of the `app` fixture."""
    config.addinivalue_line(
        "markers", "app_config(**fields): Config fields for this test's `app` fixture"
    )


# --- PostgreSQL: a throwaway cluster, or the one in PAPO_TEST_POSTGRES_URL -------------------


@dataclass(frozen=True)
class PostgresServer:
    """Where a PostgreSQL server listens and how to sign in to it."""

    host: str
    port: int
    user: str = PG_SUPERUSER
    password: str | None = None
    maintenance_db: str = "postgres"

    def url(self, dbname: str) -> str:
        """Return the SQLAlchemy URL (psycopg 3) of database `dbname` on this server."""
        url = URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password,
            host=self.host,
            port=self.port,
            database=dbname,
        )
        return url.render_as_string(hide_password=False)

    def janitor(self, dbname: str) -> DatabaseJanitor:
        """Return a pytest-postgresql janitor that creates and drops `dbname`."""
        return DatabaseJanitor(
            user=self.user,
            host=self.host,
            port=self.port,
            password=self.password,
            dbname=dbname,
            maintenance_dbname=self.maintenance_db,
        )


def _server_from_url(raw: str) -> PostgresServer:
    url = make_url(raw)
    return PostgresServer(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or PG_SUPERUSER,
        password=url.password,
        maintenance_db=url.database or "postgres",
    )


def _as_postgres(*command: str | Path) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the `postgres` user (PostgreSQL refuses to run as root)."""
    argv = [str(part) for part in command]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", PG_SUPERUSER, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)


def _checked(result: subprocess.CompletedProcess, what: str, log: Path | None = None) -> None:
    if result.returncode != 0:
        detail = log.read_text() if log and log.exists() else ""
        raise RuntimeError(f"{what} failed:\n{result.stdout}\n{result.stderr}\n{detail}")


def _reap_orphaned_clusters() -> None:
    """Stop and remove clusters left by test sessions that were killed before cleaning up."""
    for owner_file in Path(tempfile.gettempdir()).glob("papo-pg-*/owner.pid"):
        try:
            os.kill(int(owner_file.read_text()), 0)
            continue  # its session is still running
        except ProcessLookupError:
            pass
        except (ValueError, OSError):
            continue  # not ours to judge
        root = owner_file.parent
        _as_postgres(PG_BIN / "pg_ctl", "-D", root / "data", "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _throwaway_cluster() -> Iterator[PostgresServer]:
    """Start a private PostgreSQL 15 cluster on a free loopback port; remove it afterwards."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            f"PostgreSQL 15 is not installed in {PG_BIN} (run `make system-deps`), "
            "or set PAPO_TEST_POSTGRES_URL, or deselect with -m 'not postgres'."
        )
    _reap_orphaned_clusters()
    root = Path(tempfile.mkdtemp(prefix="papo-pg-"))
    (root / "owner.pid").write_text(str(os.getpid()))
    if os.geteuid() == 0:
        shutil.chown(root, PG_SUPERUSER, PG_SUPERUSER)
    data, log = root / "data", root / "server.log"
    try:
        init = _as_postgres(
            PG_BIN / "initdb", "-D", data, "-U", PG_SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        _checked(init, "initdb")
        port = free_port()
        options = (
            f"-h 127.0.0.1 -p {port} -k {root} -c max_connections=200 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        start = _as_postgres(PG_BIN / "pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")
        _checked(start, "pg_ctl start", log)
        try:
            yield PostgresServer(host="127.0.0.1", port=port)
        finally:
            _as_postgres(PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL 15 server for this session: PAPO_TEST_POSTGRES_URL, or a private one."""
    if url := os.environ.get("PAPO_TEST_POSTGRES_URL"):
        yield _server_from_url(url)
        return
    with _throwaway_cluster() as server:
        yield server


# --- Migrated databases, migrated once per backend ------------------------------------------


def _migrate(database_url: str, instance_dir: Path) -> None:
    """Bring `database_url` to the head revision the way the server does at start-up."""
    app = create_app(_config(database_url, instance_dir, auto_migrate=True))
    dispose(app)


class SeededDatabase:
    """A migrated PostgreSQL database that can be put back to what the migrations left."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=1, max_overflow=0)
        metadata = MetaData()
        metadata.reflect(self.engine)
        self.tables: list[Table] = [
            t for t in metadata.sorted_tables if t.name != "alembic_version"
        ]
        with self.engine.connect() as connection:
            self.seed = {
                table: [dict(row) for row in connection.execute(select(table)).mappings()]
                for table in self.tables
            }

    def reset(self) -> None:
        """Delete every row, then put back the seed rows; sequences keep counting up."""
        with self.engine.begin() as connection:
            # A connection left inside a transaction by some test fails the reset, not hangs it.
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            for table in reversed(self.tables):
                connection.execute(table.delete())
            for table in self.tables:
                if self.seed[table]:
                    connection.execute(table.insert(), self.seed[table])

    def close(self) -> None:
        """Release the connection kept for resets."""
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededDatabase]:
    """The session's PostgreSQL test database, created by the janitor and migrated once."""
    dbname = f"papo_test_{secrets.token_hex(4)}"
    with postgres_server.janitor(dbname):
        _migrate(postgres_server.url(dbname), tmp_path_factory.mktemp("pg-instance"))
        database = SeededDatabase(postgres_server.url(dbname))
        yield database
        database.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "papo.sqlite3"
    _migrate(f"sqlite:///{path}", folder)
    assert not Path(f"{path}-wal").exists(), "the template's write-ahead log was not merged"
    return path


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a freshly migrated database with nothing in it but the migrations' seed."""
    if request.param == "sqlite":
        path = tmp_path / "papo.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    database: SeededDatabase = request.getfixturevalue("postgres_database")
    database.reset()
    return database.url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables at all (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    dbname = f"papo_empty_{secrets.token_hex(4)}"
    with server.janitor(dbname):
        yield server.url(dbname)


@pytest.fixture
def backend(db_url: str) -> str:
    """The database backend of this test: "sqlite" or "postgresql"."""
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


# --- Apps and clients -----------------------------------------------------------------------


def _config(database_url: str, instance_dir: Path, **overrides: Any) -> Config:
    # Cheap argon2id: accounts cost no real hashing; tests of the real parameters ask for
    # `@pytest.mark.app_config(password_hash="standard")`.
    settings: dict[str, Any] = {
        "testing": True,
        "auto_migrate": False,
        "password_hash": "fast",
        **overrides,
    }
    return Config.from_env(
        environ={}, instance_dir=instance_dir, database_url=database_url, **settings
    )


@pytest.fixture
def make_app(db_url: str, tmp_path: Path) -> Iterator[Callable[..., APIFlask]]:
    """Factory: `make_app(**config_fields)` builds an app on this test's database."""
    apps: list[APIFlask] = []

    def make(**overrides: Any) -> APIFlask:
        app = create_app(_config(db_url, tmp_path / "instance", **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        dispose(app)


@pytest.fixture
def app(request: pytest.FixtureRequest, make_app: Callable[..., APIFlask]) -> APIFlask:
    """The app under test; `@pytest.mark.app_config(field=value)` changes its Config."""
    marker = request.node.get_closest_marker("app_config")
    return make_app(**(marker.kwargs if marker else {}))


@pytest.fixture
def client(app: APIFlask):
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def clock() -> FakeClock:
    """A fake monotonic clock, for throttles and rate limits."""
    return FakeClock()


@pytest.fixture
def throttle_clock(app: APIFlask, clock: FakeClock) -> FakeClock:
    """The fake clock, installed as the clock of `app`'s login throttle."""
    app.extensions["papo"].throttle.clock = clock
    return clock


# --- Accounts -------------------------------------------------------------------------------


@pytest.fixture
def api(app: APIFlask, client) -> Api:
    """The account factory for this test's app."""
    return Api(app, client)


@pytest.fixture
def admin(api: Api) -> Account:
    """A signed-in admin."""
    return api.admin(username="root")


@pytest.fixture
def member(api: Api) -> Account:
    """A signed-in member."""
    return api.member(username="alice", name="Alice Martin")


# --- Command line ---------------------------------------------------------------------------


@pytest.fixture
def run_cli(db_url: str, tmp_path: Path) -> Callable[..., Result]:
    """Run a `papo` command in-process against this test's database."""
    env = {"DATABASE_URL": db_url, "PAPO_INSTANCE_DIR": str(tmp_path / "instance")}

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    return run
