"""Sign-up, sign-in, sign-out and the signed-in user's sessions."""

from apiflask import APIBlueprint

from ..schemas import LoginIn, RegisterIn, SessionOut, TokenOut, UserOut
from ..services import auth as auth_service
from ..services import sessions
from .guard import auth, client_info, current_session, current_user

bp = APIBlueprint("auth", __name__, url_prefix="/auth", tag="Auth")


def _token_body(user, token, session) -> dict:
    return {"token": token, "expires_at": session.expires_at, "user": user}


@bp.post("/register")
@bp.input(RegisterIn, arg_name="data")
@bp.output(TokenOut, status_code=201)
@bp.doc(responses={403: "Sign-up is closed", 409: "Username taken"})
def register(data: dict):
    """Create a member account (when sign-up is open) and sign it in."""
    return _token_body(*auth_service.register(**data, **client_info()))


@bp.post("/login")
@bp.input(LoginIn, arg_name="data")
@bp.output(TokenOut)
@bp.doc(responses={401: "Wrong username or password", 429: "Too many failures"})
def login(data: dict):
    """Exchange a username and password for a bearer token."""
    return _token_body(*auth_service.login(**data, **client_info()))


@bp.post("/logout")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
def logout():
    """End this session: its token stops working at once."""
    sessions.close(current_session())
    return ""


@bp.get("/me")
@bp.auth_required(auth)
@bp.output(UserOut)
def me():
    """Return the signed-in user."""
    return current_user()


@bp.get("/sessions")
@bp.auth_required(auth)
@bp.output(SessionOut(many=True))
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
@bp.auth_required(auth)
@bp.output({}, status_code=204)
def end_session(session_id: int):
    """End one of the signed-in user's sessions."""
    sessions.end(current_user(), session_id)
    return ""


@bp.delete("/sessions")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
def end_other_sessions():
    """End every session of the signed-in user except this one."""
    sessions.end_all(current_user(), keep=current_session().id)
    return ""
