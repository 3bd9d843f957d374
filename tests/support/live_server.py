"""A real Papo server process on a loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

from support.waiting import wait_until

START_TIMEOUT = 60.0  # seconds to answer /health (imports are slow on a busy machine)
STOP_TIMEOUT = 10.0
PAPO = [sys.executable, "-m", "papo.cli"]


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`papo serve` in a subprocess: start, stop, kill and restart on the same port and data."""

    def __init__(self, instance_dir: Path, env: dict[str, str] | None = None) -> None:
        self.instance_dir = Path(instance_dir)
        self.port = free_port()
        self.env = {**os.environ, "PAPO_INSTANCE_DIR": str(self.instance_dir), **(env or {})}
        self.env.update(PAPO_HOST="127.0.0.1", PAPO_PORT=str(self.port))
        self.log_path = self.instance_dir / "server.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def create_admin(self, username: str, password: str) -> None:
        """Create an administrator with `papo create-admin` (before or while serving)."""
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [*PAPO, "create-admin", "--username", username, "--password-stdin"],
            input=password + "\n",
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self) -> LiveServer:
        """Start the process and wait until /health answers."""
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*PAPO, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            wait_until(self._healthy, START_TIMEOUT, f"papo serve on port {self.port}")
        except AssertionError:
            self.stop()
            raise RuntimeError(
                f"server did not answer within {START_TIMEOUT}s:\n{self.log()}"
            ) from None
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{self.log()}")
        try:
            return requests.get(f"{self.url}/health", timeout=1).ok
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still busy
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process by its PID (SIGTERM by default, SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)

    def kill(self) -> None:
        """Kill the process with SIGKILL, as a crash would."""
        self.stop(signal.SIGKILL)

    def restart(self) -> LiveServer:
        """Stop, then start again on the same port with the same data."""
        self.stop()
        return self.start()

    def log(self) -> str:
        """Return what the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
