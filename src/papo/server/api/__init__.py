"""REST blueprints, one per resource."""

from apiflask import APIFlask


def register_blueprints(app: APIFlask) -> None:
    """Attach every blueprint to `app`."""
    from . import auth, health, users

    for module in (health, auth, users):
        app.register_blueprint(module.bp)
