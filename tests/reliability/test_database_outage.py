"""The database goes away and comes back (PostgreSQL, a cluster of this module's own):
requests fail fast with 503 service_unavailable and a clear error, live connections stay
up, nothing is half-written, and the same server process serves again once it returns."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
import socketio

from chat.clients import LiveApi, LiveClient, error_code
from reliability.conftest import record_figure
from reliability.pg_cluster import Cluster
from support.live_server import LiveServer

pytestmark = pytest.mark.postgres
FAST = 10.0  # seconds a refused request may take while the database is down
RECOVERY = 30.0  # seconds the server may take to serve again once the database is back


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """This module's own PostgreSQL cluster, running."""
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def server(cluster: Cluster, tmp_path) -> Iterator[LiveServer]:
    """A real server on a new database of the module's cluster."""
    url = cluster.create_database(f"outage_{tmp_path.name[-8:].replace('-', '_')}")
    live = LiveServer(tmp_path / "live", env={"DATABASE_URL": url}).start()
    try:
        yield live
    finally:
        live.stop()
        if not cluster.running:  # the test failed during the outage
            cluster.start()


def timed(call, *args, **kwargs):
    """Call, and fail if it took longer than FAST seconds."""
    started = time.monotonic()
    result = call(*args, **kwargs)
    assert time.monotonic() - started < FAST, f"{call} took too long while the database was down"
    return result


def unavailable(response: requests.Response) -> None:
    """A 503 with the one error shape, the code service_unavailable and a Retry-After."""
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert "database" in error["message"].lower()
    assert int(response.headers["Retry-After"]) > 0


def wait_healthy(api: LiveApi) -> float:
    """Wait until /health answers 200; return how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY:
        try:
            if api.request("GET", "/health").status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not serve again within {RECOVERY}s")


def test_an_outage_is_a_clean_503_and_the_server_recovers_by_itself(cluster, server):
    api = LiveApi(server.url)
    ana = api.member()
    live = LiveClient(server.url, {"token": ana.token}).connect()
    try:
        before = live.call("send_message", {"message": "before", "client_id": "m-1"})
        assert before["ok"] is True

        cluster.stop()

        health = timed(api.request, "GET", "/health")
        assert (health.status_code, health.json()["database"]) == (503, "unreachable")
        for method, path, body in [
            ("GET", "/users", None),
            ("GET", "/rooms/1/messages?after=0", None),
            ("POST", "/rooms/1/messages", {"message": "during, over REST"}),
            ("PATCH", f"/users/{ana.id}", {"name": "Renamed"}),
        ]:
            unavailable(timed(api.request, method, path, ana, json=body))
        login = {"username": ana.username, "password": ana.password}
        unavailable(timed(api.request, "POST", "/auth/login", json=login))
        during = timed(live.call, "send_message", {"message": "during", "client_id": "m-2"})
        assert error_code(during) == "service_unavailable"
        assert live.connected
        newcomer = LiveClient(server.url, {"token": ana.token})
        with pytest.raises(socketio.exceptions.ConnectionError):
            timed(newcomer.connect)
        newcomer.close()

        cluster.start()
        recovered_in = wait_healthy(api)

        after = live.call("send_message", {"message": "after", "client_id": "m-3"})
        assert after["ok"] is True, after
        retried = live.call("send_message", {"message": "during", "client_id": "m-2"})
        assert retried["ok"] is True and retried["duplicate"] is False
        history = api.everything_in(ana, 1)
        assert [m["message"] for m in history] == ["before", "after", "during"]
        assert [m["seq"] for m in history] == [1, 2, 3]
        assert api.request("GET", "/auth/me", ana).json()["name"] == ana.username.upper()
        again = LiveClient(server.url, {"token": ana.token}).connect()
        again.close()
    finally:
        live.close()
    assert "Traceback" not in server.log()
    record_figure("database outage: recovered without restart, seconds", round(recovered_in, 2))
