"""Click commands behind `papo` (imported after gevent has patched, when serving)."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import replace

import click

from .server.config import Config, ConfigError


def _config(**overrides) -> Config:
    try:
        return Config.from_env(**overrides)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.group()
def cli() -> None:
    """Papo: self-hosted team chat with user administration."""


@cli.command()
@click.option("--host", default=None, help="Address to listen on [PAPO_HOST, 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [PAPO_PORT, 5000].")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes sharing the port (more than 1 needs REDIS_URL).",
)
@click.option("--reuse-port", is_flag=True, hidden=True)
def serve(host: str | None, port: int | None, workers: int, reuse_port: bool) -> None:
    """Serve the API and the chat (gevent, WebSocket) until interrupted."""
    config = _config(async_mode=os.environ.get("PAPO_ASYNC_MODE", "gevent"))
    host, port = host or config.host, port or config.port
    if workers > 1:
        _supervise(config, host, port, workers)
        return
    from .server import create_app
    from .server.serving import serve as serve_app

    app = create_app(config)
    click.echo(f"Papo {config.async_mode} server on http://{host}:{port} ({_db_label(config)})")
    if config.async_mode == "gevent":
        serve_app(app, host, port, reuse_port=reuse_port)
    else:
        from .server.extensions import socketio

        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)


def _supervise(config: Config, host: str, port: int, workers: int) -> None:
    """Migrate once, then run `workers` processes on one port."""
    from .server import create_app
    from .server.migrations import upgrade
    from .server.serving import supervise, worker_env

    if not config.redis_url:
        raise click.UsageError("--workers above 1 needs REDIS_URL: the processes meet in Redis.")
    if config.auto_migrate:  # once, before the workers start
        upgrade(create_app(replace(config, auto_migrate=False)))
    click.echo(f"Papo: {workers} workers on http://{host}:{port} ({_db_label(config)})")
    env = worker_env(PAPO_AUTO_MIGRATE="0")
    argv = ["serve", "--host", host, "--port", str(port), "--reuse-port"]
    sys.exit(supervise(workers, argv, env))


def _db_label(config: Config) -> str:
    return config.database_url if config.is_sqlite else config.database_url.split("@")[-1]


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION."""
    from .server import create_app
    from .server.migrations import upgrade

    app = create_app(_config(auto_migrate=False))
    upgrade(app, revision)
    click.echo(f"Database at {revision}.")


@cli.command("create-admin")
@click.option("--username", prompt=True, help="Login name (3–32 of a-z 0-9 _ . -).")
@click.option("--name", default=None, help="Display name [the username].")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(username: str, name: str | None, password_stdin: bool) -> None:
    """Create an administrator (password from a prompt, stdin or PAPO_ADMIN_PASSWORD)."""
    from .server import create_app
    from .server.errors import ApiError
    from .server.schemas import UserCreate

    password = _admin_password(password_stdin)
    data = {"username": username, "name": name or username, "password": password, "role": "admin"}
    errors = UserCreate().validate(data)
    if errors:
        raise click.UsageError("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
    app = create_app(_config())
    with app.app_context():
        from .server.services.users import create_user
        from .server.transaction import unit_of_work

        try:
            with unit_of_work():
                user = create_user(**UserCreate().load(data))
        except ApiError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(f"Admin {user.username!r} created with id {user.id}.")


def _admin_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get("PAPO_ADMIN_PASSWORD"):
        return os.environ["PAPO_ADMIN_PASSWORD"]
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise click.UsageError("The two passwords differ.")
    return first


@cli.command()
def client() -> None:
    """Open the desktop client."""
    from .client.__main__ import main as client_main

    client_main()
