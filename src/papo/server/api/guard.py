"""Bearer-token authentication for routes: who is asking, and through which session."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from apiflask import APIFlask, HTTPTokenAuth
from flask import current_app, g, request

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
def _missing(error: Any) -> Any:
    """Flask-HTTPAuth calls this when no bearer token came at all."""
    missing = ApiError(401, "token_missing", "Sign in first: send 'Authorization: Bearer <token>'.")
    missing.headers = {"WWW-Authenticate": 'Bearer realm="papo"'}
    return cast(APIFlask, current_app).error_callback(missing)


def current_user() -> User:
    """Return the signed-in user of this request."""
    return current_session().user


def current_session() -> AuthSession:
    """Return the session this request was authenticated with."""
    session: AuthSession = g.papo_session
    return session


class ClientInfo(TypedDict):
    """Who is calling, as stored with a session."""

    user_agent: str
    ip_address: str


def client_info() -> ClientInfo:
    """Return the caller's user agent and address, as stored with a session."""
    return {
        "user_agent": request.headers.get("User-Agent", ""),
        "ip_address": request.remote_addr or "",
    }
