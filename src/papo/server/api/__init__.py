"""REST blueprints, one per resource."""

from apiflask import APIFlask


def register_blueprints(app: APIFlask) -> None:
    """Attach every blueprint to `app`."""
    from . import auth, health, messages, rooms, users

    for module in (health, auth, users, rooms, messages):
        app.register_blueprint(module.bp)
