"""Fixtures for the security suite: the chat suite's Socket.IO test connections, and a cast
of people and rooms for the authorisation matrices."""

from __future__ import annotations

import pytest

from chat.conftest import (  # noqa: F401  (the chat suite's fixtures, re-used)
    bob,
    carol,
    connect,
    general,
    live_api,
    live_client,
    live_server,
    new_room,
    shared_live_server,
)
from security.cast import Cast, make_cast


@pytest.fixture
def cast(app, api) -> Cast:
    """A public and a private room, their creator and member, an outsider and an admin."""
    return make_cast(app, api)
