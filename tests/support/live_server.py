"""A real Papo server process on a loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

START_TIMEOUT = 30.0


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

    def start(self) -> LiveServer:
        """Start the process and wait until /health answers."""
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "papo.cli", "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not answer within {START_TIMEOUT}s:\n{self.log()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process (SIGTERM by default, SIGKILL to simulate a crash)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

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
