"""Accounts, signed-in APIs and bounded waits for the client tests."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

from papo.client.api import Api
from papo.client.core import Core
from support.waiting import wait_until

ADMIN, ADMIN_PASSWORD = "admin", "admin password 1"
PASSWORD = "correct horse battery"
WAIT = 15.0

_numbers = itertools.count(1)


def unique_name(prefix: str = "user") -> str:
    """A username no other test uses."""
    return f"{prefix}{os.getpid() % 1000}x{next(_numbers)}"


def register(url: str, username: str | None = None, **fields) -> tuple[Api, dict]:
    """Register an account over REST; return the signed-in Api and the user."""
    api = Api(url)
    username = username or unique_name()
    body = api.register(username, fields.pop("password", PASSWORD), fields.pop("name", username))
    return api, body["user"]


def admin_api(url: str) -> Api:
    """An Api signed in as the server's administrator."""
    api = Api(url)
    api.login(ADMIN, ADMIN_PASSWORD)
    return api


def wait_for(core: Core | list[Core], condition: Callable[[], object], what: str = "") -> None:
    """Pump the core(s) until `condition()` holds; fail after a bounded wait."""
    cores = core if isinstance(core, list) else [core]

    def pumped() -> object:
        for each in cores:
            each.pump()
        return condition()

    try:
        wait_until(pumped, WAIT, what or str(condition), step=0.01)
    except AssertionError as timed_out:
        links = ", ".join(f"{c.state.me and c.state.me['username']}: {c.state.link}" for c in cores)
        raise AssertionError(f"{timed_out} ({links})") from None
