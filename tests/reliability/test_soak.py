"""Hundreds of real clients chatting for a couple of minutes, reconnecting now and then:
nothing is lost, the server's memory stays flat, and it leaks no file descriptor.

PAPO_SOAK_CLIENTS (default 200) and PAPO_SOAK_SECONDS (default 120) change the size.
"""

from __future__ import annotations

import os
import random
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import socketio

from chat.clients import LiveApi, LiveClient
from reliability.conftest import record_figure
from reliability.stream import last_contiguous
from support.accounts import Account
from support.live_server import LiveServer

CLIENTS = int(os.environ.get("PAPO_SOAK_CLIENTS", "200"))
SECONDS = float(os.environ.get("PAPO_SOAK_SECONDS", "120"))
ROOM_SIZE = 10
SEND_EVERY = (2.0, 4.0)  # seconds between one client's messages
SAMPLE_EVERY = 5.0
RAMP_UP = 5.0  # seconds over which the clients first connect
CONNECT_ATTEMPTS = 3
LIVE_ENV = {"PAPO_MESSAGE_RATE": "100", "PAPO_MESSAGE_BURST": "100"}
pytestmark = [pytest.mark.slow, pytest.mark.timeout(SECONDS + 600)]


@dataclass
class Chatter:
    """One client: sends to its room on a timer, drops and reopens its connection once,
    and resumes after every (re)connection so that it ends holding the whole room."""

    account: Account
    room: int
    url: str
    deadline: float
    everyone_sent: threading.Barrier
    acked: dict[str, int] = field(default_factory=dict)
    connect_retries: int = 0
    seen: dict[int, dict] = field(default_factory=dict)
    error: BaseException | None = None

    def run(self) -> None:
        rng = random.Random(self.account.id)
        reconnect_at = time.monotonic() + rng.uniform(0.2, 0.8) * (self.deadline - time.monotonic())
        client = None
        try:
            time.sleep(rng.uniform(0, RAMP_UP))  # not all at the same instant
            client = self._connect()
            number = 0
            while time.monotonic() < self.deadline:
                time.sleep(rng.uniform(*SEND_EVERY))
                if reconnect_at and time.monotonic() > reconnect_at:
                    self._collect(client)
                    client.close()
                    client, reconnect_at = self._connect(), None
                number += 1
                self._send(client, f"{self.account.username}-{number}")
            self.everyone_sent.wait(timeout=60)  # then catch up on the others' last messages
            self._resume(client)
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.everyone_sent.abort()
        finally:
            if client is not None:
                client.close()

    def _connect(self) -> LiveClient:
        """Connect, retrying (bounded) when an overloaded machine makes the handshake time
        out; then catch up on the room."""
        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            client = LiveClient(self.url, {"token": self.account.token})
            try:
                client.connect()
                break
            except socketio.exceptions.ConnectionError:
                client.close()
                if attempt == CONNECT_ATTEMPTS:
                    raise
                self.connect_retries += 1
                time.sleep(attempt)
        self._resume(client)
        return client

    def _send(self, client: LiveClient, client_id: str) -> None:
        ack = client.call(
            "send_message", {"room": self.room, "message": client_id, "client_id": client_id}
        )
        assert ack["ok"] is True, ack
        self.acked[client_id] = ack["message"]["id"]

    def _collect(self, client: LiveClient) -> None:
        for message in client.received("receive_message"):
            self.seen[message["id"]] = message

    def _resume(self, client: LiveClient) -> None:
        self._collect(client)
        last = last_contiguous(self.seen)
        for _round in range(100):
            ack = client.call("resume", {"last_ids": {str(self.room): last}})
            assert ack["ok"] is True, ack
            found = ack["rooms"][str(self.room)]
            for message in found["messages"]:
                self.seen[message["id"]] = message
            if not found["more"]:
                return
            last = last_contiguous(self.seen)


def proc_figures(pid: int) -> tuple[int, int]:
    """(resident memory in KiB, open file descriptors) of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def database_sockets(pid: int, port: int | None) -> int:
    """How many of the process's descriptors are TCP connections to the database's port
    (the connection pool fills up under load and keeps them: that is not a leak)."""
    if port is None:
        return 0
    remote = {}
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            remote[fields[9]] = int(fields[2].rsplit(":", 1)[1], 16)
    links = (os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd"))
    inodes = [link[8:-1] for link in links if link.startswith("socket:[")]
    return sum(remote.get(inode) == port for inode in inodes)


def leakable_fds(pid: int, db_port: int | None) -> int:
    """Open descriptors other than the database pool's connections."""
    return proc_figures(pid)[1] - database_sockets(pid, db_port)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, tmp_path) -> Iterator[LiveServer]:
    """A real server of the test's own."""
    instance = tmp_path / "live"
    if request.param == "sqlite":
        env = {**LIVE_ENV, "DATABASE_URL": f"sqlite:///{instance / 'papo.sqlite3'}"}
        live = LiveServer(instance, env=env).start()
        yield live
        live.stop()
        return
    postgres = request.getfixturevalue("postgres_server")
    dbname = f"papo_soak_{secrets.token_hex(4)}"
    with postgres.janitor(dbname):
        live = LiveServer(instance, env={**LIVE_ENV, "DATABASE_URL": postgres.url(dbname)})
        live.start()
        yield live
        live.stop()


def settle_fds(pid: int, db_port: int | None, ceiling: int, timeout: float = 15.0) -> int:
    """Wait (bounded) for the server to close the connections; return its leakable fds."""
    deadline = time.monotonic() + timeout
    while (fds := leakable_fds(pid, db_port)) > ceiling and time.monotonic() < deadline:
        time.sleep(0.25)
    return fds


def test_hundreds_of_clients_lose_nothing_and_leak_nothing(server, request):
    api = LiveApi(server.url)
    pid = server.process.pid
    people = [api.member() for _ in range(CLIENTS)]
    rooms = []
    for first in range(0, CLIENTS, ROOM_SIZE):
        name = f"soak-{first // ROOM_SIZE}"
        room = api.request("POST", "/rooms", people[first], json={"name": name}).json()["id"]
        for person in people[first + 1 : first + ROOM_SIZE]:
            assert api.request("POST", f"/rooms/{room}/join", person).status_code == 200
        rooms.append(room)
    LiveClient(server.url, {"token": people[0].token}).connect().close()  # warm up
    time.sleep(1.0)
    db_port = (
        request.getfixturevalue("postgres_server").port
        if "postgresql" in request.node.name
        else None
    )
    rss_before, fds_before = proc_figures(pid)[0], leakable_fds(pid, db_port)

    started = time.monotonic()
    everyone_sent = threading.Barrier(CLIENTS)
    chatters = [
        Chatter(person, rooms[i // ROOM_SIZE], server.url, started + SECONDS, everyone_sent)
        for i, person in enumerate(people)
    ]
    threads = [threading.Thread(target=c.run, daemon=True) for c in chatters]
    for thread in threads:
        thread.start()
    samples = []
    while any(t.is_alive() for t in threads) and time.monotonic() < started + SECONDS + 60:
        rss, fds = proc_figures(pid)
        samples.append((round(time.monotonic() - started), rss // 1024, fds))
        time.sleep(SAMPLE_EVERY)
    for thread in threads:
        thread.join(max(0.1, started + SECONDS + 90 - time.monotonic()))
    errors = [c.error for c in chatters if c.error]
    assert not errors, (errors[:3], server.log()[-3000:])
    assert not any(t.is_alive() for t in threads), "clients still running at the deadline"
    fds_after = settle_fds(pid, db_port, fds_before)
    rss_after = proc_figures(pid)[0]

    checked = 0
    for index, room in enumerate(rooms):
        stored = api.everything_in(people[index * ROOM_SIZE], room)
        members = chatters[index * ROOM_SIZE : (index + 1) * ROOM_SIZE]
        acked = {k: v for c in members for k, v in c.acked.items()}
        assert {m["client_id"]: m["id"] for m in stored} == acked
        assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))
        for chatter in members:
            assert set(chatter.seen) == {m["id"] for m in stored}, chatter.account.username
        checked += len(stored)
    steady = [rss for t, rss, _ in samples if t >= SECONDS / 3]
    record_figure(
        f"soak [{request.node.callspec.id}]",
        {
            "clients": CLIENTS,
            "seconds": SECONDS,
            "messages acknowledged and checked": checked,
            "deliveries checked": checked * ROOM_SIZE,
            "lost": 0,
            "connect retries": sum(c.connect_retries for c in chatters),
            "rss MiB before/after": [rss_before // 1024, rss_after // 1024],
            "fds before/after (without the database pool)": [fds_before, fds_after],
            "samples [s, rss MiB, fds]": samples,
        },
    )
    assert fds_after <= fds_before + 2, (fds_before, fds_after)
    assert max(steady) <= min(steady) * 1.25 + 8, samples  # flat once warmed up
