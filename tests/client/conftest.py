"""Fixtures for the client tests: a real `papo serve` on a loopback port, and client cores.

`start_server(instance_dir, **env)` is the reusable part: it runs `.venv/bin/papo serve` in a
subprocess with PAPO_INSTANCE_DIR (SQLite, migrated on start) and PAPO_HOST=127.0.0.1 on a
free port, waits for GET /health, and returns a `RunningServer` whose stop() / restart() act
on that process by PID, keeping the port and the data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from client.helpers import ADMIN, ADMIN_PASSWORD, PASSWORD, register, wait_for
from papo.client import i18n
from papo.client.core import Core
from papo.client.state import CONNECTED

PAPO = Path(sys.executable).with_name("papo")
START_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningServer:
    """`papo serve` in a subprocess; stop() and restart() keep its port and its data."""

    def __init__(self, instance_dir: Path, env: dict[str, str]) -> None:
        self.instance_dir, self.port = Path(instance_dir), free_port()
        self.env = {**os.environ, **env, "PAPO_INSTANCE_DIR": str(instance_dir)}
        self.env.update(PAPO_HOST="127.0.0.1", PAPO_LOG_LEVEL="WARNING")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def create_admin(self, username: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
        """Create an administrator with `papo create-admin` (before or while serving)."""
        subprocess.run(
            [PAPO, "create-admin", "--username", username, "--password-stdin"],
            input=password + "\n",
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self) -> RunningServer:
        """Start serving and wait until GET /health answers."""
        with (self.instance_dir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [PAPO, "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"papo serve exited early:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"papo serve did not answer in {START_TIMEOUT}s:\n{self.log()}")

    def stop(self) -> None:
        """Stop the process by its PID (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> RunningServer:
        """Stop, then serve again on the same port with the same data."""
        self.stop()
        return self.start()

    def log(self) -> str:
        """What the server printed so far."""
        path = self.instance_dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_server(instance_dir: Path, *, admin: bool = True, **env: str) -> RunningServer:
    """Create the instance (with an admin), start serving it, and return the handle."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    server = RunningServer(instance_dir, env)
    if admin:
        server.create_admin()
    return server.start()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server shared by the tests that do not stop it or tune it."""
    running = start_server(tmp_path_factory.mktemp("papo-shared"))
    yield running
    running.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start a server of this test's own (to restart it, or with its own settings)."""
    started: list[RunningServer] = []

    def start(**env: str) -> RunningServer:
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
