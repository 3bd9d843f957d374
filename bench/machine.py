"""What machine and which versions a run measured."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_PACKAGES = (
    "flask",
    "flask-socketio",
    "python-socketio",
    "python-engineio",
    "gevent",
    "gevent-websocket",
    "greenlet",
    "sqlalchemy",
    "psycopg",
    "argon2-cffi",
    "py-spy",
)
NODE_PACKAGES = ("socket.io", "engine.io", "ws")


def _read(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _mem_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def _node_versions() -> dict[str, str]:
    found = {}
    for name in NODE_PACKAGES:
        package = ROOT / "bench" / "node_modules" / name / "package.json"
        if package.exists():
            found[name] = json.loads(package.read_text())["version"]
    return found


def _python_versions() -> dict[str, str]:
    found = {}
    for name in PYTHON_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def server_source_digest() -> str:
    """A digest of Papo's server code as it is on disk (committed or not)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "papo" / "server").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _git() -> str:
    commit = _read(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = _read(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"])
    return commit + (" (src/ has uncommitted changes)" if dirty else "")


def describe(open_files: int) -> dict:
    """Machine, OS and versions, for the report."""
    debian = Path("/etc/debian_version")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _mem_gib(),
        "kernel": platform.release(),
        "os": "Debian " + debian.read_text().strip() if debian.exists() else platform.platform(),
        "open_files": open_files,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "node": _read(["node", "--version"]),
        "python_packages": _python_versions(),
        "node_packages": _node_versions(),
        "papo_commit": _git(),
        "server_source": server_source_digest(),
    }
