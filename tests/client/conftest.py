"""Fixtures for the client tests: a real `papo serve` on a loopback port, and client cores.

`start_server(instance_dir, **env)` is the reusable part: it runs `papo serve` (a
support.live_server.LiveServer) with PAPO_INSTANCE_DIR (SQLite, migrated on start) on a free
loopback port, waits for GET /health, and returns the LiveServer, whose stop() / restart() act
on that process by PID, keeping the port and the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from client.helpers import ADMIN, ADMIN_PASSWORD, PASSWORD, register, wait_for
from papo.client import i18n
from papo.client.core import Core
from papo.client.state import CONNECTED
from support.live_server import LiveServer


def start_server(instance_dir: Path, *, admin: bool = True, **env: str) -> LiveServer:
    """Create the instance (with an admin), start serving it, and return the handle."""
    server = LiveServer(instance_dir, env={"PAPO_LOG_LEVEL": "WARNING", **env})
    if admin:
        server.create_admin(ADMIN, ADMIN_PASSWORD)
    return server.start()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server shared by the tests that do not stop it or tune it."""
    running = start_server(tmp_path_factory.mktemp("papo-shared"))
    yield running
    running.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start a server of this test's own (to restart it, or with its own settings)."""
    started: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        started.append(start_server(tmp_path / f"instance{len(started)}", **env))
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Every test starts in English (the language of the code), whatever the machine's locale,
    and a test that switches language does not leak it into the next."""
    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture
def make_core() -> Iterator[Callable[..., Core]]:
    """Signed-in, connected client cores; closed at the end of the test."""
    cores: list[Core] = []

    def make(
        url: str, username: str | None = None, password: str = PASSWORD, language: str = "en"
    ) -> Core:
        if username is None:
            username = register(url)[1]["username"]
        core = Core(language=language)
        cores.append(core)
        core.sign_in(url, username, password)
        wait_for(core, lambda: core.state.link.status == CONNECTED, "the link")
        wait_for(core, lambda: core.state.current_room is not None, "a room on screen")
        return core

    yield make
    for core in cores:
        core.close()
