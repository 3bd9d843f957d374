"""Registration and sign-in, with throttling that does not reveal which accounts exist."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Unpack

from flask import current_app

from ..errors import ApiError
from ..models import AuthSession, User
from ..security import hash_password, needs_rehash, verify_password
from . import sessions, users

if TYPE_CHECKING:
    from ..app import Papo

log = logging.getLogger(__name__)

# Several people can share one address (an office, a NAT): allow more failures per address.
ADDRESS_FREE_ATTEMPTS_FACTOR = 4


def _papo() -> Papo:
    papo: Papo = current_app.extensions["papo"]
    return papo


def register(
    *, user_agent: str = "", ip_address: str = "", **account: Unpack[users.NewAccount]
) -> tuple[User, str, AuthSession]:
    """Create a member account when sign-up is open and sign it in."""
    if not _papo().config.open_signup:
        raise ApiError(403, "signup_closed", "Sign-up is closed on this server; ask an admin.")
    user = users.create_user(**account)
    token, session = sessions.start(user, user_agent=user_agent, ip_address=ip_address)
    return user, token, session


def login(
    *, username: str, password: str, user_agent: str = "", ip_address: str = ""
) -> tuple[User, str, AuthSession]:
    """Check the credentials and open a session; one generic error for every failure."""
    throttle = _papo().throttle
    account_key, address_key = f"user:{username.strip().lower()}", f"ip:{ip_address}"
    wait = throttle.retry_after(account_key, address_key)
    if wait:
        raise _throttled(wait)
    user = users.find_by_username(username)
    # Verified even for an unknown user (against a dummy hash): timing tells nothing.
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        _record_failure(account_key, address_key, username, ip_address)
        raise ApiError(401, "invalid_credentials", "Wrong username or password.")
    throttle.succeeded(account_key)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token, session = sessions.start(user, user_agent=user_agent, ip_address=ip_address)
    return user, token, session


def _record_failure(account_key: str, address_key: str, username: str, ip: str) -> None:
    throttle = _papo().throttle
    throttle.failed(account_key)
    throttle.failed(address_key, throttle.free_attempts * ADDRESS_FREE_ATTEMPTS_FACTOR)
    # The username is what was typed (bounded); the password is never logged.
    log.warning("failed login for %r from %s", username[:64], ip)


def _throttled(wait: int) -> ApiError:
    return ApiError(
        429,
        "login_throttled",
        "Too many failed sign-ins; wait %(seconds)s s and try again.",
        headers={"Retry-After": str(wait)},
        seconds=wait,
    )
