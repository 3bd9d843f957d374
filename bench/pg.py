"""A throwaway PostgreSQL 15 cluster for the benchmarks, pinned to the server's core.

PostgreSQL refuses to run as root, so its programs run as the `postgres` user (runuser).
The cluster keeps PostgreSQL's durable defaults (fsync on, synchronous_commit on): the
figures are what a production database on this disk gives.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from procs import free_port, pinned

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"


@dataclass
class Cluster:
    """Where the cluster listens, and how to reach a database in it."""

    port: int
    root: Path
    version: str

    def url(self, database: str) -> str:
        """SQLAlchemy URL of `database` (psycopg 3, trust auth on loopback)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run one SQL statement with psql and return its output."""
        argv = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER]
        argv += ["-d", database, "-Atqc", sql]
        return _as_postgres(argv).stdout.strip()

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)


def available() -> bool:
    """True when the PostgreSQL 15 server programs are installed."""
    return (PG_BIN / "initdb").exists() and shutil.which("runuser") is not None


def _as_postgres(argv: list[str], *, cpu: str | None = None) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        argv = ["runuser", "-u", SUPERUSER, "--", *argv]
    if cpu is not None:
        argv = pinned(cpu, argv)
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {result.stdout}\n{result.stderr}")
    return result


@contextmanager
def cluster(*, cpu: str = "0") -> Iterator[Cluster]:
    """Start a private cluster on a free loopback port, pinned to `cpu`; remove it afterwards."""
    root = Path(tempfile.mkdtemp(prefix="papo-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, SUPERUSER, SUPERUSER)
    data, log = root / "data", root / "server.log"
    started = False
    try:
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )
        port = free_port()
        options = f"-h 127.0.0.1 -p {port} -k {root} -c max_connections=200"
        _as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start"],
            cpu=cpu,
        )
        started = True
        version = subprocess.run(
            [str(PG_BIN / "postgres"), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        yield Cluster(port=port, root=root, version=version)
    finally:
        if started:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        shutil.rmtree(root, ignore_errors=True)
