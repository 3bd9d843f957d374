"""PAPO_PASSWORD_HASH=fast: argon2id at its cheapest for the tests and the bench, refused
anywhere else (only a Config built in-process with testing=True may have it)."""

import os
import subprocess
import sys

import pytest
from argon2 import extract_parameters
from sqlalchemy import select

from papo.server.config import Config, ConfigError
from papo.server.extensions import db
from papo.server.models import User
from papo.server.security import ARGON2_MEMORY_KIB, ARGON2_TIME_COST
from support.accounts import PASSWORD
from support.live_server import free_port

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def stored_hash(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.username == username))


def register(app, username: str) -> None:
    body = {"username": username, "password": PASSWORD, "name": username}
    assert app.test_client().post("/auth/register", json=body).status_code == 201


def test_fast_hashing_from_the_environment_is_a_config_error(tmp_path):
    environ = {"PAPO_INSTANCE_DIR": str(tmp_path), "PAPO_PASSWORD_HASH": "fast"}

    with pytest.raises(ConfigError, match=r"PAPO_PASSWORD_HASH=fast .* test suite and the bench"):
        Config.from_env(environ)


def test_an_unknown_hashing_is_a_config_error(tmp_path):
    environ = {"PAPO_INSTANCE_DIR": str(tmp_path), "PAPO_PASSWORD_HASH": "none"}

    with pytest.raises(ConfigError, match="PAPO_PASSWORD_HASH must be standard"):
        Config.from_env(environ, testing=True)


def test_papo_serve_refuses_fast_hashing(tmp_path):
    env = {**os.environ, "PAPO_INSTANCE_DIR": str(tmp_path), "PAPO_PASSWORD_HASH": "fast"}
    argv = [sys.executable, "-m", "papo.cli", "serve", "--port", str(free_port())]

    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 2, done.stderr
    assert "PAPO_PASSWORD_HASH=fast" in done.stderr


def test_the_default_is_the_standard_hashing(tmp_path):
    assert Config.from_env({"PAPO_INSTANCE_DIR": str(tmp_path)}).password_hash == "standard"


@SQLITE_ONLY
def test_a_test_app_stores_argon2id_at_its_cheapest_and_signs_in_with_it(make_app):
    app = make_app(password_hash="fast")
    register(app, "quick")

    found = extract_parameters(stored_hash(app, "quick"))
    body = {"username": "quick", "password": PASSWORD}
    assert stored_hash(app, "quick").startswith("$argon2id$")
    assert (found.time_cost, found.memory_cost, found.parallelism) == (1, 8, 1)
    assert app.test_client().post("/auth/login", json=body).status_code == 200


@SQLITE_ONLY
def test_a_fast_hash_is_upgraded_when_its_user_signs_in_to_a_standard_server(make_app):
    register(make_app(password_hash="fast"), "seeded")
    standard = make_app(password_hash="standard")

    body = {"username": "seeded", "password": PASSWORD}
    assert standard.test_client().post("/auth/login", json=body).status_code == 200

    found = extract_parameters(stored_hash(standard, "seeded"))
    assert (found.time_cost, found.memory_cost) == (ARGON2_TIME_COST, ARGON2_MEMORY_KIB)
