"""Liveness and database reachability."""

from typing import Any

from apiflask import APIBlueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..schemas import HealthOut

bp = APIBlueprint("health", __name__, tag="Health")

DEGRADED: dict[int | str, dict[str, str | dict[str, dict[str, Any]]]] = {
    503: {
        "description": "The database is unreachable: the same report, saying so "
        "(`degraded`, `unreachable`), not an error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthOut"}}},
    }
}


@bp.get("/health")
@bp.output(HealthOut)
@bp.doc(responses=DEGRADED)
def health() -> dict[str, str] | tuple[dict[str, str], int]:
    """Report whether the server and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "degraded", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
