"""A throwaway Redis for the multi-process Papo target, pinned to the server's core.

No persistence: it only carries Flask-SocketIO's message queue and Papo's directory of
live connections for the length of one target's run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from procs import SERVER_CPU, free_port, pinned


def available() -> bool:
    """True when redis-server is installed (make system-deps installs it)."""
    return shutil.which("redis-server") is not None


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(timeout: float = 20.0) -> Iterator[str]:
    """Start redis-server on a free loopback port; yield its URL; stop it by PID."""
    folder = Path(tempfile.mkdtemp(prefix="papo-bench-redis-"))
    port = free_port()
    argv = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", str(folder),
        "--logfile", str(folder / "redis.log"), "--daemonize", "no",
    ]  # fmt: skip
    process = subprocess.Popen(pinned(SERVER_CPU, argv), stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
