"""Configuration: one typed object read from the environment, with safe defaults."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "PAPO_"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
FAST_HASH = "fast"  # PAPO_PASSWORD_HASH for tests and the bench: see security.fast_hasher
PASSWORD_HASHES = ("standard", FAST_HASH)
# An origin as browsers send it, which CORS compares as a string: scheme://host[:port] in
# lower case, nothing after (no path, no trailing slash, no wildcard).
ORIGIN = re.compile(r"https?://(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?")


class ConfigError(ValueError):
    """A configuration value from the environment cannot be used."""


def _bool(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None


def _list(_name: str, raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Config:
    """Everything Papo's server can be told; each field maps to one environment variable."""

    instance_dir: Path = field(default=Path("instance"), metadata={"env": "PAPO_INSTANCE_DIR"})
    database_url: str = field(default="", metadata={"env": "DATABASE_URL"})
    secret_key: str = field(default="", metadata={"env": "SECRET_KEY"})
    host: str = field(default="127.0.0.1", metadata={"env": "PAPO_HOST"})
    port: int = field(default=5000, metadata={"env": "PAPO_PORT"})
    cors_origins: tuple[str, ...] = field(default=(), metadata={"env": "PAPO_CORS_ORIGINS"})
    open_signup: bool = field(default=True, metadata={"env": "PAPO_OPEN_SIGNUP"})
    token_idle_minutes: int = field(
        default=60 * 24 * 7, metadata={"env": "PAPO_TOKEN_IDLE_MINUTES"}
    )
    token_max_days: int = field(default=30, metadata={"env": "PAPO_TOKEN_MAX_DAYS"})
    max_body_bytes: int = field(default=64 * 1024, metadata={"env": "PAPO_MAX_BODY_BYTES"})
    login_free_attempts: int = field(default=5, metadata={"env": "PAPO_LOGIN_FREE_ATTEMPTS"})
    login_max_lockout_seconds: int = field(
        default=15 * 60, metadata={"env": "PAPO_LOGIN_MAX_LOCKOUT_SECONDS"}
    )
    message_rate: float = field(default=10.0, metadata={"env": "PAPO_MESSAGE_RATE"})
    message_burst: int = field(default=20, metadata={"env": "PAPO_MESSAGE_BURST"})
    ping_interval: int = field(default=25, metadata={"env": "PAPO_PING_INTERVAL"})
    client_backlog_bytes: int = field(
        default=8 * 1024 * 1024, metadata={"env": "PAPO_CLIENT_BACKLOG_BYTES"}
    )
    redis_url: str = field(default="", metadata={"env": "REDIS_URL"})
    db_pool_size: int = field(default=10, metadata={"env": "PAPO_DB_POOL_SIZE"})
    db_max_overflow: int = field(default=20, metadata={"env": "PAPO_DB_MAX_OVERFLOW"})
    db_pool_timeout: int = field(default=10, metadata={"env": "PAPO_DB_POOL_TIMEOUT"})
    auto_migrate: bool = field(default=True, metadata={"env": "PAPO_AUTO_MIGRATE"})
    log_level: str = field(default="INFO", metadata={"env": "PAPO_LOG_LEVEL"})
    trusted_proxies: int = field(default=0, metadata={"env": "PAPO_TRUSTED_PROXIES"})
    async_mode: str = field(default="threading", metadata={"env": "PAPO_ASYNC_MODE"})
    # "fast" (cheap argon2id) only with testing=True, which no environment variable sets.
    password_hash: str = field(default="standard", metadata={"env": "PAPO_PASSWORD_HASH"})
    testing: bool = field(default=False, metadata={"env": None})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Config:
        """Read every known variable from `environ` (default: the process environment)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.metadata.get("env")
            if name and name in environ:
                values[f.name] = _parse(f.type, name, environ[name])
        values.update(overrides)
        return cls(**values).resolved()

    def resolved(self) -> Config:
        """Check the ranges, then fill in the derived defaults: the SQLite file, the secret."""
        self._check_ranges()
        instance = Path(self.instance_dir).resolve()
        url = self.database_url or f"sqlite:///{instance / 'papo.sqlite3'}"
        url = _normalise_database_url(url)
        key = self.secret_key or _instance_secret(instance)
        return replace(self, instance_dir=instance, database_url=url, secret_key=key)

    def _check_ranges(self) -> None:
        limits = {
            "PAPO_PORT": (self.port, 1, 65535),
            "PAPO_MAX_BODY_BYTES": (self.max_body_bytes, 1024, 64 * 1024 * 1024),
            "PAPO_TOKEN_IDLE_MINUTES": (self.token_idle_minutes, 0, 10**7),
            "PAPO_TOKEN_MAX_DAYS": (self.token_max_days, 0, 3650),
            "PAPO_LOGIN_FREE_ATTEMPTS": (self.login_free_attempts, 1, 10**6),
            "PAPO_LOGIN_MAX_LOCKOUT_SECONDS": (self.login_max_lockout_seconds, 1, 10**7),
            "PAPO_MESSAGE_BURST": (self.message_burst, 1, 10**6),
            "PAPO_PING_INTERVAL": (self.ping_interval, 1, 3600),
            "PAPO_CLIENT_BACKLOG_BYTES": (self.client_backlog_bytes, 16 * 1024, 2**30),
            "PAPO_TRUSTED_PROXIES": (self.trusted_proxies, 0, 10),
            "PAPO_DB_POOL_SIZE": (self.db_pool_size, 1, 1000),
            "PAPO_DB_MAX_OVERFLOW": (self.db_max_overflow, 0, 1000),
            "PAPO_DB_POOL_TIMEOUT": (self.db_pool_timeout, 1, 600),
        }
        for name, (value, low, high) in limits.items():
            if not low <= value <= high:
                raise ConfigError(f"{name} must be from {low} to {high}, not {value}")
        if not self.message_rate > 0:
            raise ConfigError(f"PAPO_MESSAGE_RATE must be above 0, not {self.message_rate}")
        self._check_origins()
        if self.async_mode not in ("gevent", "threading"):
            raise ConfigError(f"PAPO_ASYNC_MODE must be gevent or threading, not {self.async_mode}")
        if self.password_hash not in PASSWORD_HASHES:
            raise ConfigError(f"PAPO_PASSWORD_HASH must be standard, not {self.password_hash!r}")
        if self.password_hash == FAST_HASH and not self.testing:
            raise ConfigError(
                "PAPO_PASSWORD_HASH=fast makes passwords cheap to guess: it is for the test "
                "suite and the bench only. Remove it."
            )

    def _check_origins(self) -> None:
        for origin in self.cors_origins:
            if origin == "*":
                raise ConfigError(
                    "PAPO_CORS_ORIGINS must list the origins allowed, not '*' (which would let "
                    "any web page call the API with its visitors' tokens)"
                )
            if not ORIGIN.fullmatch(origin):
                raise ConfigError(
                    "PAPO_CORS_ORIGINS must be origins like https://chat.example.com or "
                    f"http://localhost:8080 (scheme://host[:port] in lower case, nothing after), "
                    f"not {origin!r}"
                )

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def _parse(kind: Any, name: str, raw: str) -> Any:
    kind = str(kind)
    parsers = {"bool": _bool, "int": _int, "float": _float, "tuple[str, ...]": _list}
    if kind == "Path":
        return Path(raw)
    parser = parsers.get(kind)
    return parser(name, raw) if parser else raw


def _normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgres URLs, as hosting providers hand them out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """Return the secret kept in the instance folder, creating it once with 0600 rights."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        # Written aside then linked: two processes starting together agree on one key.
        draft = instance / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


ENVIRONMENT_VARIABLES = tuple(f.metadata["env"] for f in fields(Config) if f.metadata.get("env"))
