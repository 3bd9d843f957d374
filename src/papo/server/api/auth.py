"""Sign-up, sign-in, sign-out and the signed-in user's sessions."""

from apiflask import APIBlueprint

from ..schemas import LoginIn, RegisterIn, SessionOut, TokenOut, UserOut
from ..services import auth as auth_service
from ..services import sessions
from .declare import declared
from .guard import client_info, current_session, current_user

bp = APIBlueprint("auth", __name__, url_prefix="/auth", tag="Auth")


def _token_body(user, token, session) -> dict:
    return {"token": token, "expires_at": session.expires_at, "user": user}


@bp.post("/register")
@declared(bp, public=True, body=RegisterIn, answer=TokenOut, status=201)
@bp.doc(responses={403: "Sign-up is closed", 409: "Username taken"})
def register(data: dict):
    """Create a member account (when sign-up is open) and sign it in."""
    return _token_body(*auth_service.register(**data, **client_info()))


@bp.post("/login")
@declared(bp, public=True, body=LoginIn, answer=TokenOut)
@bp.doc(responses={401: "Wrong username or password", 429: "Too many failures"})
def login(data: dict):
    """Exchange a username and password for a bearer token."""
    return _token_body(*auth_service.login(**data, **client_info()))


@bp.post("/logout")
@declared(bp)
def logout():
    """End this session: its token stops working at once."""
    sessions.close(current_session())
    return ""


@bp.get("/me")
@declared(bp, answer=UserOut)
def me():
    """Return the signed-in user."""
    return current_user()


@bp.get("/sessions")
@declared(bp, answer=SessionOut(many=True))
def list_sessions():
    """List the signed-in user's sessions, newest first."""
    here = current_session().id
    return [
        {**_session_fields(s), "current": s.id == here} for s in sessions.list_for(current_user())
    ]


def _session_fields(session) -> dict:
    names = ("id", "created_at", "last_used_at", "expires_at", "user_agent", "ip_address")
    return {name: getattr(session, name) for name in names}


@bp.delete("/sessions/<int:session_id>")
@declared(bp)
def end_session(session_id: int):
    """End one of the signed-in user's sessions."""
    sessions.end(current_user(), session_id)
    return ""


@bp.delete("/sessions")
@declared(bp)
def end_other_sessions():
    """End every session of the signed-in user except this one."""
    sessions.end_all(current_user(), keep=current_session().id)
    return ""
