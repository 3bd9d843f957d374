"""Helpers around app instances made by tests."""

from __future__ import annotations

from apiflask import APIFlask

from papo.server.extensions import db


def dispose(app: APIFlask) -> None:
    """Close every database connection `app` holds."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
