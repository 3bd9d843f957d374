"""`papo serve --workers N`: N processes on one port (SO_REUSEPORT), meeting in Redis."""

import os
import signal
import sys

import pytest

from scale.backends import OWN_SQLITE
from scale.servers import (
    ESTABLISHED,
    START_TIMEOUT,
    is_running,
    run_to_exit,
    tcp_sockets,
)
from support.live_server import free_port
from support.waiting import wait_until

CLIENTS = 20


def both_listening(supervisor) -> bool:
    """True once both workers listen on the shared port."""
    return len(supervisor.listening_workers()) == 2


@OWN_SQLITE
def test_more_than_one_worker_without_redis_is_a_usage_error(db_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": db_url, "PAPO_INSTANCE_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    argv = [sys.executable, "-m", "papo.cli", "serve", "--workers", "2", "--port", str(free_port())]

    status, output = run_to_exit(argv, env, timeout=START_TIMEOUT)

    assert status == 2, output
    assert "--workers above 1 needs REDIS_URL" in output


@OWN_SQLITE
def test_two_workers_share_one_port_and_both_take_connections(supervisor, api, connect):
    server = supervisor(workers=2)
    wait_until(lambda: both_listening(server), START_TIMEOUT, "two listening workers")

    clients = [connect(api.member(), server) for _ in range(CLIENTS)]

    held = [tcp_sockets(pid, server.port, ESTABLISHED) for pid in server.worker_pids()]
    assert sum(held) == CLIENTS and min(held) > 0, held
    sent = clients[0].send("general", "to every worker's clients")
    for client in clients:
        assert client.wait_for_message(sent["id"]) == sent


@pytest.mark.slow
@OWN_SQLITE
def test_a_worker_that_dies_is_replaced(supervisor, api, connect):
    server = supervisor(workers=2)
    wait_until(lambda: both_listening(server), START_TIMEOUT, "two listening workers")
    victim = server.worker_pids()[0]

    os.kill(victim, signal.SIGKILL)  # a worker of the supervisor this test started

    wait_until(
        lambda: victim not in server.worker_pids() and both_listening(server),
        START_TIMEOUT,
        "a replacement worker",
    )
    ana, ben = api.member(), api.member()
    reader = connect(ben, server)
    sent = connect(ana, server).send("general", "after the replacement")
    assert reader.wait_for_message(sent["id"]) == sent


@OWN_SQLITE
def test_stopping_the_supervisor_stops_every_worker(supervisor):
    server = supervisor(workers=2)
    wait_until(lambda: both_listening(server), START_TIMEOUT, "two listening workers")
    workers = server.worker_pids()

    assert server.stop() == 0

    assert [pid for pid in workers if is_running(pid)] == []
