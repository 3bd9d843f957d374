"""Test accounts: made through the service layer, signed in through the REST API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from apiflask import APIFlask
from sqlalchemy import select

from papo.server.extensions import db
from papo.server.models import AuthSession
from papo.server.security import token_digest
from papo.server.services import users

PASSWORD = "correct horse battery"  # every account's password, unless told otherwise


@dataclass(frozen=True)
class Account:
    """A user made for a test and, once signed in, its token and session id."""

    id: int
    username: str
    password: str
    token: str | None = None
    session_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header carrying this account's token."""
        assert self.token, f"{self.username} is not signed in"
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Api:
    """Account factory: `users.create_user` to store, POST /auth/login to sign in."""

    app: APIFlask
    client: Any
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def create_user(
        self,
        *,
        username: str | None = None,
        password: str = PASSWORD,
        name: str | None = None,
        age: int | None = None,
        role: str = "member",
        active: bool = True,
    ) -> Account:
        """Store an account, not signed in."""
        number = next(self._numbers)
        with self.app.app_context():
            user = users.create_user(
                username=username or f"user{number}",
                password=password,
                name=name or f"User {number}",
                age=age,
                role=role,
                active=active,
            )
            db.session.commit()
            return Account(id=user.id, username=user.username, password=password)

    def login(self, account: Account, **request: Any) -> Account:
        """Sign `account` in; return it with its token and session id."""
        body = {"username": account.username, "password": account.password}
        response = self.client.post("/auth/login", json=body, **request)
        assert response.status_code == 200, response.get_json()
        token = response.get_json()["token"]
        with self.app.app_context():
            query = select(AuthSession.id).where(AuthSession.token_hash == token_digest(token))
            session_id = db.session.scalar(query)
        return replace(account, token=token, session_id=session_id)

    def member(self, **fields: Any) -> Account:
        """Return a new signed-in member."""
        return self.login(self.create_user(**fields))

    def admin(self, **fields: Any) -> Account:
        """Return a new signed-in admin."""
        return self.login(self.create_user(role="admin", **fields))
