"""Real programs for the multi-process tests: Redis, groups of Papo processes, the supervisor
of `papo serve --workers N`, and nginx. Each listens on a free loopback port and is stopped
by the PID it was started with.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
import requests

from support.live_server import LiveServer, free_port
from support.waiting import wait_until

START_TIMEOUT = 60.0  # seconds a program may take to answer (imports are slow on a busy CI box)
STOP_TIMEOUT = 10.0


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int | None:
    """Send `sig` to a process we started, wait for it (SIGKILL after STOP_TIMEOUT)."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
    return process.returncode


class RedisServer:
    """`redis-server` on a free loopback port, with no persistence, in a folder of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The REDIS_URL of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A Redis client of this server (text replies)."""
        return redis.Redis.from_url(self.url, decode_responses=True, socket_timeout=5)

    def start(self) -> RedisServer:
        """Start the server and wait until it answers PING."""
        self.folder.mkdir(parents=True, exist_ok=True)
        argv = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.folder),
            "--logfile", str(self.folder / "redis.log"), "--daemonize", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_until(self._answers, START_TIMEOUT, f"redis-server on port {self.port}")
        except BaseException:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"redis-server exited: {(self.folder / 'redis.log').read_text()}")
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None:
            stop_process(self.process)

    def restart(self) -> RedisServer:
        """Stop, then start again on the same port, empty (as after a crash or a failover)."""
        self.stop()
        return self.start()


def cluster_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment every process of one deployment shares: database, Redis, secret."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PAPO_MESSAGE_RATE": "100",
        "PAPO_MESSAGE_BURST": "200",
        **extra,
    }


def start_all(servers: list[LiveServer]) -> list[LiveServer]:
    """Start the servers at the same time; if any fails, stop them all and raise."""
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        outcomes = [pool.submit(server.start) for server in servers]
    failures = [error for outcome in outcomes if (error := outcome.exception())]
    if failures:
        for server in servers:
            server.stop()
        raise failures[0]
    return servers


def processes(root: Path, count: int, env: dict[str, str]) -> list[LiveServer]:
    """`count` Papo processes on their own ports, each with its own folder and log."""
    return [LiveServer(root / f"process-{n}", env=env) for n in range(1, count + 1)]


def new_tracebacks(server: LiveServer, offset: int) -> str:
    """What the server logged after `offset`, if it contains a traceback (else '')."""
    text = server.log()[offset:]
    return text if "Traceback" in text else ""


class ServeProcess:
    """A `papo serve ...` command line run in a process group of its own, with its children.

    `argv` may contain `{port}`, replaced by a free port (the address it serves).
    """

    def __init__(self, folder: Path, argv: list[str], env: dict[str, str]) -> None:
        self.folder = Path(folder)
        self.port = free_port()
        self.argv = [part.replace("{port}", str(self.port)) for part in argv]
        self.env = {**os.environ, "PAPO_INSTANCE_DIR": str(self.folder), **env}
        self.log_path = self.folder / "serve.log"
        self.process: subprocess.Popen | None = None

    @classmethod
    def supervisor(cls, folder: Path, workers: int, env: dict[str, str]) -> ServeProcess:
        """`papo serve --workers N`: a supervisor and its N worker processes on one port."""
        argv = [
            sys.executable, "-m", "papo.cli", "serve",
            "--host", "127.0.0.1", "--port", "{port}", "--workers", str(workers),
        ]  # fmt: skip
        return cls(folder, argv, env)

    @property
    def url(self) -> str:
        """The address it serves."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServeProcess:
        """Start the command and wait until its port answers /health."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # A session of its own: if the supervisor dies, its workers can still be found.
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            wait_until(self._healthy, START_TIMEOUT, f"{self.argv} on port {self.port}")
        except BaseException:
            self.stop()
            self.kill_group()
            raise
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.argv} exited:\n{self.log()}")
        try:
            return requests.get(f"{self.url}/health", timeout=1).ok
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still busy
            return False

    def worker_pids(self) -> list[int]:
        """The PIDs of the process's live children (a supervisor's workers)."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except FileNotFoundError:
            return []
        return [int(child) for child in children]

    def listening_workers(self) -> list[int]:
        """The workers that listen on the shared port."""
        return [pid for pid in self.worker_pids() if tcp_sockets(pid, self.port, LISTEN)]

    def stop(self) -> int | None:
        """SIGTERM the process (a supervisor stops its workers); return its exit status."""
        return stop_process(self.process) if self.process is not None else None

    def kill_group(self) -> None:
        """SIGKILL whatever is left in the process group (the one we created)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        """What the process and its children printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def is_running(pid: int) -> bool:
    """True while `pid` is a live process (not gone, not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


LISTEN, ESTABLISHED = "0A", "01"  # TCP states as /proc/net/tcp writes them


def tcp_sockets(pid: int, port: int, state: str) -> int:
    """How many IPv4 TCP sockets on local `port` in `state` the process `pid` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == state and fields[9] in inodes:
            count += 1
    return count


def run_to_exit(argv: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run a command in a process group of its own; return its exit status and output.

    If it is still running after `timeout` seconds, kill its group and fail.
    """
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate(timeout=STOP_TIMEOUT)
        raise AssertionError(f"{argv} still ran after {timeout} s:\n{output}") from None
    return process.returncode, output
