"""Fixtures for several Papo processes sharing one Redis and one database.

A deployment here is N `papo serve` processes on their own loopback ports, with one
REDIS_URL, one DATABASE_URL and one SECRET_KEY, as on N hosts behind a load balancer. Each
deployment gets a Redis of its own: Socket.IO's message queue is one Redis channel, so two
deployments on one Redis would hear each other.

- `cluster`: two processes shared by the session, per database (SQLite file in WAL mode, and
  PostgreSQL 15). Tests on it make their own accounts and rooms and never stop a process.
- `make_cluster`: processes of the test's own (to kill, or with other settings), on the
  test's fresh database (`db_url` of tests/conftest.py, accounts from its `api`).
- `supervisor`: `papo serve --workers N`; `nginx`: deploy/nginx/papo.conf in front of
  `cluster`.
- `connect`: real python-socketio clients (WebSocket by default), closed at teardown.
"""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask

from chat.clients import LiveApi
from papo.server import Config, create_app
from papo.server.extensions import db
from scale.clients import Client
from scale.proxy import Nginx
from scale.servers import (
    RedisServer,
    ServeProcess,
    cluster_env,
    new_tracebacks,
    processes,
    start_all,
)
from support.accounts import Account, Api
from support.live_server import LiveServer
from support.threads import threads_left_since

# The shared deployment sits behind nginx in test_nginx.py, and lets test_login_throttling.py
# reach a lockout in a few attempts.
SHARED_ENV = {"PAPO_TRUSTED_PROXIES": "1", "PAPO_LOGIN_FREE_ATTEMPTS": "3"}


@dataclass
class Cluster:
    """Papo processes sharing one database and one Redis, and accounts made in that database."""

    servers: list[LiveServer]
    redis: RedisServer
    accounts: Api
    database_url: str
    _log_offsets: list[int] = field(default_factory=list)

    def __getitem__(self, index: int) -> LiveServer:
        return self.servers[index]

    def __len__(self) -> int:
        return len(self.servers)

    def member(self, **fields: Any) -> Account:
        """A new signed-in member (stored directly, signed in through the REST API)."""
        return self.accounts.member(**fields)

    def admin(self, **fields: Any) -> Account:
        """A new signed-in admin."""
        return self.accounts.admin(**fields)

    def rest(self, index: int) -> LiveApi:
        """REST calls to process `index`."""
        return LiveApi(self.servers[index].url)

    def mark_logs(self) -> None:
        """Remember how far each log goes, for `tracebacks()`."""
        self._log_offsets = [len(server.log()) for server in self.servers]

    def tracebacks(self) -> list[str]:
        """The logs that show a traceback since `mark_logs()`."""
        offsets = self._log_offsets or [0] * len(self.servers)
        return [
            text
            for s, o in zip(self.servers, offsets, strict=True)
            if (text := new_tracebacks(s, o))
        ]

    def stop(self) -> None:
        """Stop every process."""
        for server in self.servers:
            server.stop()


def _accounts_app(database_url: str, instance: Path) -> APIFlask:
    """An in-process app on the deployment's database, to make accounts quickly (with cheap
    password hashes)."""
    config = Config.from_env(
        environ={}, database_url=database_url, instance_dir=instance, auto_migrate=False,
        testing=True, password_hash="fast",
    )  # fmt: skip
    return create_app(config)


def _dispose(app: APIFlask) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@contextmanager
def deployment(
    root: Path, database_url: str, count: int, env: dict[str, str], accounts: Api | None = None
) -> Iterator[Cluster]:
    """Start Redis and `count` processes on `database_url`; stop them all afterwards."""
    redis = RedisServer(root / "redis").start()
    app: APIFlask | None = None
    try:
        servers = start_all(processes(root, count, cluster_env(database_url, redis.url, **env)))
        if accounts is None:
            app = _accounts_app(database_url, root / "accounts")
            accounts = Api(app, app.test_client())
        cluster = Cluster(servers, redis, accounts, database_url)
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        redis.stop()
        if app is not None:
            _dispose(app)


@pytest.fixture(
    scope="session",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def shared_cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """Two processes for the session, on a migrated SQLite file or a new PostgreSQL database."""
    root = tmp_path_factory.mktemp(f"cluster-{request.param}")
    if request.param == "sqlite":
        path = root / "papo.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        with deployment(root, f"sqlite:///{path}", 2, SHARED_ENV) as cluster:
            yield cluster
        return
    postgres = request.getfixturevalue("postgres_server")
    dbname = f"papo_scale_{secrets.token_hex(4)}"
    # The processes migrate the empty database as they start (under the advisory lock).
    with postgres.janitor(dbname), deployment(root, postgres.url(dbname), 2, SHARED_ENV) as cluster:
        yield cluster


@pytest.fixture
def cluster(shared_cluster: Cluster) -> Iterator[Cluster]:
    """The shared deployment; the test fails if a process died or logged a traceback."""
    shared_cluster.mark_logs()
    yield shared_cluster
    assert [s.process.poll() for s in shared_cluster.servers] == [None] * len(shared_cluster)
    assert shared_cluster.tracebacks() == []


@pytest.fixture
def make_cluster(db_url: str, api: Api, tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    """Factory: `make_cluster(count=2, **env)` starts processes of this test's own on its
    fresh database (`db_url`), with a Redis of their own; accounts come from `api`."""
    with ExitStack() as stack:
        made: list[Cluster] = []

        def make(count: int = 2, **env: str) -> Cluster:
            root = tmp_path / f"cluster-{len(made) + 1}"
            made.append(stack.enter_context(deployment(root, db_url, count, env, api)))
            return made[-1]

        yield make
        for deployed in made:
            deployed.stop()
            assert deployed.tracebacks() == []


@pytest.fixture
def connect() -> Iterator[Callable[..., Client]]:
    """Factory: `connect(account, server)` opens a real Socket.IO connection (WebSocket).

    `server` is anything with a `.url` (or a URL); `transports=("polling",)` picks
    long-polling, `http=` a prepared requests session, `headers=` extra handshake headers,
    `connect=False` returns the client unconnected. At teardown every client is closed and
    no client thread may outlive them.
    """
    before = set(threading.enumerate())
    made: list[Client] = []

    def open_(
        account: Account,
        server: Any,
        *,
        transports: tuple[str, ...] = ("websocket",),
        http: Any = None,
        headers: dict[str, str] | None = None,
        connect: bool = True,
    ) -> Client:
        url = getattr(server, "url", server)
        auth = {"token": account.token}
        made.append(Client(url, auth, transports=transports, http=http, headers=headers))
        return made[-1].connect() if connect else made[-1]

    yield open_
    for client in made:
        client.close()
    assert threads_left_since(before) == []


@pytest.fixture
def new_room(cluster: Cluster) -> Callable[..., int]:
    """Factory: `new_room(owner, private=True, members=[...])` makes a room through the REST API
    of the first process, adds the members, and returns its id."""

    def make(owner: Account, *, private: bool = False, members: tuple[Account, ...] = ()) -> int:
        rest = cluster.rest(0)
        body = {"name": f"room-{secrets.token_hex(4)}", "private": private}
        created = rest.request("POST", "/rooms", owner, json=body)
        assert created.status_code == 201, created.text
        room = created.json()["id"]
        for member in members:
            added = rest.request(
                "POST", f"/rooms/{room}/members", owner, json={"user_id": member.id}
            )
            assert added.status_code == 204, added.text
        return room

    return make


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of this test's own."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def supervisor(
    db_url: str, redis_server: RedisServer, tmp_path: Path
) -> Iterator[Callable[..., ServeProcess]]:
    """Factory: `supervisor(workers=2)` runs `papo serve --workers N` on this test's database."""
    made: list[ServeProcess] = []

    def start(workers: int = 2, **env: str) -> ServeProcess:
        folder = tmp_path / f"supervisor-{len(made) + 1}"
        env = cluster_env(db_url, redis_server.url, **env)
        made.append(ServeProcess.supervisor(folder, workers, env))
        return made[-1].start()

    yield start
    for started in made:
        started.stop()
        started.kill_group()
        assert "Traceback" not in started.log()


@pytest.fixture
def nginx_site(cluster: Cluster, tmp_path: Path) -> Nginx:
    """deploy/nginx/papo.conf with the shared deployment's two processes as upstreams, its
    ports, paths and a self-signed certificate filled in (not started)."""
    return Nginx(tmp_path / "nginx", [server.port for server in cluster.servers]).render()


@pytest.fixture
def nginx(nginx_site: Nginx) -> Iterator[Nginx]:
    """nginx running the rendered site in front of the shared deployment."""
    nginx_site.start()
    yield nginx_site
    nginx_site.stop()
    assert not [word for word in ("[emerg]", "[alert]") if word in nginx_site.error_log()]
