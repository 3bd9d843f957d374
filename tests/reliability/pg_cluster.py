"""A PostgreSQL 15 cluster of the reliability suite's own, to stop and start at will without
disturbing the session's shared cluster (tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from support.live_server import free_port

PG_BIN = Path(os.environ.get("PAPO_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"


def _as_postgres(*argv: str | Path) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program, as the postgres user when we are root (it refuses root)."""
    command = [str(part) for part in argv]
    if os.geteuid() == 0:
        command = ["runuser", "-u", SUPERUSER, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)


class Cluster:
    """initdb, start, stop (-m immediate: as a crash would) and start again, on one port."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="papo-rel-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self.running = False
        if os.geteuid() == 0:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        self._run("initdb", "-D", self.data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip

    def _run(self, program: str, *args: str | Path) -> None:
        done = _as_postgres(PG_BIN / program, *args)
        if done.returncode != 0:
            detail = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}{detail}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c max_connections=300"
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options, "start")
        self.running = True

    def stop(self) -> None:
        """Stop at once, dropping every connection."""
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        self.running = False

    def create_database(self, name: str) -> str:
        """Create database `name`; return its SQLAlchemy URL."""
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def _dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    def remove(self) -> None:
        """Stop if running and delete everything."""
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
