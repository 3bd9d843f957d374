"""Password hashing (argon2id) and opaque bearer tokens stored as hashes."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# OWASP's minimum for argon2id (m=19 MiB, t=2, p=1); raise them here, hashes upgrade on login.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

hasher = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    type=Type.ID,
)
# PAPO_PASSWORD_HASH=fast, which Config allows only in tests and the bench: still argon2id
# (the same code path), at the lowest cost argon2 accepts, so thousands of accounts are cheap.
fast_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
HASHERS = {"standard": hasher, "fast": fast_hasher}
# Verified against when the account does not exist, so timing does not reveal which do.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))
_DUMMIES = {hasher: _DUMMY_HASH, fast_hasher: fast_hasher.hash(secrets.token_urlsafe(16))}


def _hasher() -> PasswordHasher:
    """The hasher the current app is configured with (outside an app: the standard one)."""
    papo = current_app.extensions.get("papo") if has_app_context() else None
    return HASHERS[papo.config.password_hash] if papo is not None else hasher


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check `password` against `stored_hash`; with no hash, spend the same time and fail."""
    chosen = _hasher()
    try:
        return chosen.verify(stored_hash or _DUMMIES[chosen], password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with parameters other than today's."""
    return _hasher().check_needs_rehash(stored_hash)


def new_token() -> str:
    """Return a fresh random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return the hash under which a token is stored; the token itself never is."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
