"""Bearer-token authentication for routes: who is asking, and through which session."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask import g, request

from ..errors import ApiError
from ..models import AuthSession, User
from ..services import sessions
from ..transaction import unit_of_work

auth = HTTPTokenAuth(scheme="Bearer", description="The token from POST /auth/login")


@auth.verify_token
def _verify(token: str) -> User:
    """Resolve the bearer token to its user; raise a 401 that says why on failure."""
    # Signing in is a unit of work of its own: its writes (the last-used time, removing an
    # expired session) stand whatever the request then does, refusals included.
    with unit_of_work(keep_on=(ApiError,)):
        session = sessions.resolve(token)
    g.papo_session = session
    return session.user


@auth.error_processor
def _missing(error):
    """Flask-HTTPAuth calls this when no bearer token came at all."""
    from flask import current_app

    missing = ApiError(401, "token_missing", "Sign in first: send 'Authorization: Bearer <token>'.")
    missing.headers = {"WWW-Authenticate": 'Bearer realm="papo"'}
    return current_app.error_callback(missing)


def current_user() -> User:
    """Return the signed-in user of this request."""
    return auth.current_user


def current_session() -> AuthSession:
    """Return the session this request was authenticated with."""
    return g.papo_session


def client_info() -> dict[str, str]:
    """Return the caller's user agent and address, as stored with a session."""
    return {
        "user_agent": request.headers.get("User-Agent", ""),
        "ip_address": request.remote_addr or "",
    }
