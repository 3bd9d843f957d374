"""Processes of a benchmark run: servers pinned to core 0, the load generator to core 1.

Every process is started here and stopped here by its PID, never by name.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SERVER_CPU = "0"
GENERATOR_CPU = "1"
# Servers and the generator run at a raised priority so that other jobs on the machine
# (a test suite, an editor's language server) disturb the measurements less.
NICE = ["nice", "-n", "-10"] if os.geteuid() == 0 else []


def pinned(cpu: str, argv: list[str]) -> list[str]:
    """`argv` pinned to one core at the bench's priority (each wrapper execs the next)."""
    return [*NICE, "taskset", "-c", cpu, *argv]


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One server process under test, pinned to the server core."""

    def __init__(self, name: str, argv: list[str], *, port: int, workdir: Path, env: dict) -> None:
        self.name = name
        self.argv = argv
        self.port = port
        self.env = {**os.environ, **env}
        self.log_path = workdir / f"{name}-{port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        """PID of the server itself (taskset execs it, so the PID is the server's)."""
        assert self.process is not None
        return self.process.pid

    def start(self, health_path: str = "/", timeout: float = 60.0) -> Server:
        """Start the process and wait until `health_path` answers."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                pinned(SERVER_CPU, self.argv),
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{health_path}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if answer.status < 500:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not answer {url} within {timeout}s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """Stop the process by its PID: SIGTERM, then SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server printed."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def run_loadgen(config: dict, workdir: Path, *, timeout: float = 300.0) -> dict:
    """Run the Node load generator on the generator core; return its JSON result."""
    config = {"hard_limit_s": timeout - 5, **config}
    path = workdir / f"loadgen-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(config))
    argv = pinned(GENERATOR_CPU, ["node", str(BENCH / "loadgen.js"), str(path)])
    result = subprocess.run(
        argv, stdout=subprocess.PIPE, stderr=sys.stderr, text=True, timeout=timeout, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        return {
            "error": f"load generator exited with {result.returncode}",
            "target": config.get("target"),
        }
    return json.loads(lines[-1])
