"""Intents about accounts: pages of users, creating, editing and deleting them, your own
profile and password."""

from __future__ import annotations

from typing import Any

from ..api import Json
from .base import CoreBase, Done, Failed, Job


class UserIntents(CoreBase):
    """The Users tab's requests, each answered through the queue."""

    def find_users(
        self, query: str, page: int, per_page: int, *, then: Done = None, failed: Failed = None
    ) -> Job | None:
        """Load one page of users matching `query` (GET /users)."""
        if self.api is None:
            return None
        return self.call(self.api.users, query, page, per_page, then=then, failed=failed)

    def create_user(
        self, fields: dict[str, Any], *, then: Done = None, failed: Failed = None
    ) -> Job | None:
        """Create an account (admins)."""
        if self.api is None:
            return None
        return self.call(self.api.create_user, **fields, then=then, failed=failed)

    def update_user(
        self, user_id: int, changes: dict[str, Any], *, then: Done = None, failed: Failed = None
    ) -> Job | None:
        """Change a user's fields; a change to your own profile shows at once."""
        if self.api is None:
            return None

        def updated(user: Json) -> None:
            if user_id == self.state.my_id:
                self.state.me = user
                self.state.changed("session")
            if then is not None:
                then(user)

        return self.call(self.api.update_user, user_id, **changes, then=updated, failed=failed)

    def change_password(
        self, current_password: str, password: str, *, then: Done = None, failed: Failed = None
    ) -> Job | None:
        """Change your own password (the current one is asked again)."""
        if self.api is None or self.state.my_id is None:
            return None
        return self.call(
            self.api.update_user,
            self.state.my_id,
            current_password=current_password,
            password=password,
            then=then,
            failed=failed,
        )

    def delete_user(self, user_id: int, *, then: Done = None, failed: Failed = None) -> Job | None:
        """Delete an account (admins)."""
        if self.api is None:
            return None
        return self.call(self.api.delete_user, user_id, then=then, failed=failed)
