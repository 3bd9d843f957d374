"""The people and rooms of an authorisation test, made through the services (no HTTP).

Accounts are signed in by opening a session in the service layer, exactly as a login does
after the password check: the matrix tests who may do what, not how fast argon2 is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from apiflask import APIFlask
from sqlalchemy import update

from papo.server.extensions import db
from papo.server.models import User
from papo.server.services import sessions
from support.accounts import Account, Api

# Who may call, from the least to the most trusted. "deactivated" is a member of the rooms
# whose account was switched off behind the API's back (its token and connections kept), as
# if a revocation were missed: only the check on every request or event can stop it.
ACTORS = ("anonymous", "outsider", "member", "creator", "admin", "deactivated")


def sign_in(app: APIFlask, account: Account) -> Account:
    """Open a session for `account` as a login would; return it with its token."""
    with app.app_context():
        token, session = sessions.start(db.session.get(User, account.id))
        db.session.commit()
        return replace(account, token=token, session_id=session.id)


def deactivate_behind_the_apis_back(app: APIFlask, account: Account) -> None:
    """Mark the account inactive but keep its sessions and connections."""
    with app.app_context():
        db.session.execute(update(User).where(User.id == account.id).values(active=False))
        db.session.commit()


@dataclass
class Cast:
    """A public and a private channel made by `creator`, with `member` (and the soon
    `deactivated` member) in both, each holding one message by `member`; `outsider` and `admin`
    belong to neither; `target` is a bystander to add to rooms."""

    app: APIFlask
    people: dict[str, Account]
    target: Account
    public: int
    private: int
    public_message: int
    private_message: int

    def room(self, kind: str) -> int:
        """The id of the "public" or "private" room."""
        return self.public if kind == "public" else self.private

    def message(self, kind: str) -> int:
        """The id of the member's message in the "public" or "private" room."""
        return self.public_message if kind == "public" else self.private_message

    def headers(self, actor: str) -> dict[str, str]:
        """The Authorization header of `actor` (none for the anonymous caller)."""
        return {} if actor == "anonymous" else self.people[actor].headers

    def deactivate(self) -> None:
        """Switch off the "deactivated" actor now (after it connected, if it did)."""
        deactivate_behind_the_apis_back(self.app, self.people["deactivated"])


def make_cast(app: APIFlask, api: Api) -> Cast:
    """Store the accounts, then make the rooms and messages through the REST API."""
    people = {
        name: sign_in(app, api.create_user(username=name, role=role))
        for name, role in [
            ("outsider", "member"),
            ("member", "member"),
            ("creator", "member"),
            ("admin", "admin"),
            ("deactivated", "member"),
        ]
    }
    target = api.create_user(username="target")
    client, creator, member = api.client, people["creator"], people["member"]
    made, posted = {}, {}
    for kind in ("public", "private"):
        body = {"name": kind, "private": kind == "private"}
        made[kind] = _ok(client.post("/rooms", json=body, headers=creator.headers))["id"]
        for joiner in (member, people["deactivated"]):
            add = {"user_id": joiner.id}
            _ok(client.post(f"/rooms/{made[kind]}/members", json=add, headers=creator.headers))
        text = {"message": f"{kind} words"}
        path = f"/rooms/{made[kind]}/messages"
        posted[kind] = _ok(client.post(path, json=text, headers=member.headers))["id"]
    return Cast(
        app=app,
        people=people,
        target=target,
        public=made["public"],
        private=made["private"],
        public_message=posted["public"],
        private_message=posted["private"],
    )


def _ok(response) -> dict:
    assert response.status_code < 300, response.get_data(as_text=True)
    return response.get_json(silent=True) or {}


# The rules are Python in the services, the same on both databases: tests of who may do what
# run on SQLite only; the fuzzers and the confidentiality tests run on both.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
