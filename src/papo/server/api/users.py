"""The seed's user CRUD, with stable ids, validation and permissions."""

from math import ceil

from apiflask import APIBlueprint

from ..i18n import N_
from ..schemas import UserCreate, UserOut, UserPage, UserPatch, UserQuery, UserReplace
from ..services import users
from .declare import declared
from .guard import current_session, current_user

bp = APIBlueprint("users", __name__, url_prefix="/users", tag="Users")
PROFILE_DEFAULTS = {"age": None}


@bp.get("")
@declared(bp, query=UserQuery, answer=UserPage)
def list_users(query: dict):
    """List users by id, a page at a time, optionally filtered by `q`."""
    items, total = users.list_users(**query)
    per_page = query["per_page"]
    pages = ceil(total / per_page) if total else 0
    return {
        "items": items,
        "pagination": {"page": query["page"], "per_page": per_page, "total": total, "pages": pages},
    }


@bp.post("")
@declared(bp, body=UserCreate, answer=UserOut, status=201)
@bp.doc(responses={403: "Admins only", 409: "Username taken"})
def create_user(data: dict):
    """Create an account with a password and a role (admins only)."""
    users.require_admin(current_user(), N_("Only an admin may create users."))
    user = users.create_user(**data)
    return user


@bp.get("/<int:user_id>")
@declared(bp, answer=UserOut)
def get_user(user_id: int):
    """Return one user."""
    return users.get_user(user_id)


@bp.put("/<int:user_id>")
@declared(bp, body=UserReplace, answer=UserOut)
@bp.doc(responses={403: "Not allowed", 409: "Last admin"})
def replace_user(user_id: int, data: dict):
    """Replace a user's profile (name, age) and optionally role, state or password."""
    return _update(user_id, {**PROFILE_DEFAULTS, **data})


@bp.patch("/<int:user_id>")
@declared(bp, body=UserPatch, answer=UserOut)
@bp.doc(responses={403: "Not allowed", 409: "Last admin"})
def patch_user(user_id: int, data: dict):
    """Change some of a user's fields."""
    return _update(user_id, data)


def _update(user_id: int, changes: dict):
    user = users.update_user(
        actor=current_user(),
        user=users.get_user(user_id),
        changes=changes,
        current_session_id=current_session().id,
    )
    return user


@bp.delete("/<int:user_id>")
@declared(bp)
@bp.doc(responses={403: "Admins only", 409: "Last admin"})
def delete_user(user_id: int):
    """Delete a user (admins only). Other users keep their ids."""
    users.delete_user(actor=current_user(), user=users.get_user(user_id))
    return ""
