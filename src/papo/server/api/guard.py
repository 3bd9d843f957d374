"""Bearer-token authentication for routes: who is asking, and through which session."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask import g, request

from ..models import AuthSession, User
from ..services import sessions

auth = HTTPTokenAuth(scheme="Bearer", description="The token from POST /auth/login")


@auth.verify_token
def _verify(token: str) -> User:
    """Resolve the bearer token to its user; raise a 401 that says why on failure."""
    session = sessions.resolve(token)
    g.papo_session = session
    return session.user


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
