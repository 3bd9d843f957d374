"""The application factory."""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apiflask import APIFlask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .. import __version__, libpatches
from . import errors, http, migrations
from .api import register_blueprints
from .config import Config
from .extensions import db, socketio
from .realtime import events  # noqa: F401  (registers the handlers)
from .realtime.directory import LocalDirectory, RedisDirectory
from .realtime.hub import Hub
from .services import after_commit, rooms
from .throttle import LoginThrottle, RedisLoginThrottle
from .transaction import retry_on_conflict, unit_of_work

# APIFlask registers a nested schema both through apispec and by itself; the document is right.
warnings.filterwarnings(
    "ignore", message=".*has already been added to the spec", category=UserWarning
)


@dataclass
class Papo:
    """What Papo keeps per application: its configuration and its shared helpers."""

    config: Config
    throttle: LoginThrottle | RedisLoginThrottle


def create_app(config: Config | None = None, *, direct_websocket: bool = True) -> APIFlask:
    """Build the Flask app for `config` (default: read from the environment).

    `direct_websocket=False` serves WebSockets python-engineio's own way (the bench's "before").
    """
    libpatches.check_server()
    config = config or Config.from_env()
    _logging(config)
    app = APIFlask("papo", title="Papo API", version=__version__, docs_path="/docs")
    app.config.update(_flask_settings(config))
    app.extensions["papo"] = Papo(
        config=config,
        throttle=_throttle(config),
    )
    db.init_app(app)
    errors.init_app(app)
    http.init_app(app)
    register_blueprints(app)
    socketio.init_app(app, **_socketio_settings(config))
    _patch_libraries(app, config, direct_websocket=direct_websocket)
    live: after_commit.LiveConnections = Hub(socketio, directory=_directory(config))
    app.extensions["papo.hub"] = live  # what the services' after-commit work reaches
    if config.auto_migrate:
        migrations.upgrade(app)
        with app.app_context(), unit_of_work():
            retry_on_conflict(rooms.ensure_general)
    return app


def _throttle(config: Config) -> LoginThrottle | RedisLoginThrottle:
    limits = (config.login_free_attempts, config.login_max_lockout_seconds)
    if config.redis_url:
        return RedisLoginThrottle(config.redis_url, *limits)
    return LoginThrottle(*limits)


def _directory(config: Config) -> LocalDirectory | RedisDirectory:
    if not config.redis_url:
        return LocalDirectory()
    return RedisDirectory(config.redis_url, socketio.start_background_task, socketio.sleep)


def _logging(config: Config) -> None:
    logging.basicConfig(level=config.log_level.upper())
    if config.log_level.upper() != "DEBUG":  # per-request access lines cost CPU on the hot path
        logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)


def _flask_settings(config: Config) -> dict[str, Any]:
    return {
        "SECRET_KEY": config.secret_key,
        "TESTING": config.testing,
        "SQLALCHEMY_DATABASE_URI": config.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(config),
        "MAX_CONTENT_LENGTH": config.max_body_bytes,
        "VALIDATION_ERROR_SCHEMA": errors.ERROR_SCHEMA,
        "HTTP_ERROR_SCHEMA": errors.ERROR_SCHEMA,
        "DESCRIPTION": "Papo's REST API. Errors always have the shape "
        '`{"error": {"code", "message", "fields"?}}`.',
    }


def _engine_options(config: Config) -> dict[str, Any]:
    if config.is_sqlite:
        config.instance_dir.mkdir(parents=True, exist_ok=True)
        return {"connect_args": {"timeout": 15}}
    # Under gevent every request and event is a greenlet, and psycopg waits cooperatively:
    # the pool bounds how many of them talk to PostgreSQL at once; the rest wait their turn
    # up to the timeout, then get a 503.
    return {
        "pool_pre_ping": True,
        "pool_size": config.db_pool_size,
        "max_overflow": config.db_max_overflow,
        "pool_timeout": config.db_pool_timeout,
    }


def _socketio_settings(config: Config) -> dict[str, Any]:
    return {
        "async_mode": config.async_mode,
        # Same origin, plus the configured ones; never "*".
        "cors_allowed_origins": _origin_check(config.cors_origins) if config.cors_origins else None,
        "message_queue": config.redis_url or None,
        "max_http_buffer_size": config.max_body_bytes,
        "ping_interval": config.ping_interval,
    }


def _origin_check(allowed: tuple[str, ...]) -> Callable[[str | None, dict[str, Any]], bool]:
    """Engine.IO origin check: the server's own origin (desktop clients send it) or a listed one."""

    def check(origin: str | None, environ: dict[str, Any]) -> bool:
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin is None or origin == own or origin in allowed

    return check


def _patch_libraries(app: APIFlask, config: Config, *, direct_websocket: bool) -> None:
    """Install the patches of papo.libpatches on the Socket.IO server.

    In this order: the transport guard subclasses the library's WebSocket class, which the
    direct driver then keeps for connections upgraded from long-polling.
    """
    libpatches.answer_unknown_events(socketio.server, functools.partial(_unknown_event_ack, app))
    libpatches.guard_transport(socketio.server)
    if direct_websocket:
        libpatches.serve_websockets_directly(
            socketio.server.eio, max_backlog=config.client_backlog_bytes
        )


def _unknown_event_ack(app: APIFlask, sid: str | None) -> dict[str, Any]:
    """The acknowledgement of an event whose name is not text, or is "*", in the language the
    connection asked for."""
    conn = app.extensions["papo.hub"].conns.get(sid) if sid else None
    return errors.event_error("unknown_event", conn.lang if conn else "en")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on foreign keys, WAL and a busy timeout for every SQLite connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
        # SQLite's own lower() folds ASCII only; searches must find "Élodie" from "élodie".
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value
