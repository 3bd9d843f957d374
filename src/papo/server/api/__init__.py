"""REST blueprints, one per resource."""

from collections.abc import Callable
from typing import Any, cast

from apiflask import APIFlask

from ..transaction import committed


def register_blueprints(app: APIFlask) -> None:
    """Attach every blueprint to `app`, and complete the document they make (openapi.py)."""
    from . import auth, health, messages, openapi, rooms, users

    for module in (health, auth, users, rooms, messages):
        app.register_blueprint(module.bp)
        _one_unit_of_work_each(app, module.bp.name)
    openapi.init_app(app)


def _one_unit_of_work_each(app: APIFlask, blueprint: str) -> None:
    """Make every request to the blueprint's views one unit of work (transaction.py): the
    view (with its authentication and validation) commits once, or rolls back on error."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(f"{blueprint}."):
            app.view_functions[endpoint] = committed(cast(Callable[..., Any], view))
