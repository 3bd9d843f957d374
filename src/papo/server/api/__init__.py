"""REST blueprints, one per resource."""

from apiflask import APIFlask


def register_blueprints(app: APIFlask) -> None:
    """Attach every blueprint to `app`, and complete the document they make (openapi.py)."""
    from . import auth, health, messages, openapi, rooms, users

    for module in (health, auth, users, rooms, messages):
        app.register_blueprint(module.bp)
    openapi.init_app(app)
