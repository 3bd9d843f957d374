"""The REST client: one requests.Session per signed-in user, errors as ApiError (no tkinter)."""

from __future__ import annotations

from typing import Any

import requests

from .errors import ApiError, unreachable
from .i18n import DEFAULT, http_tag

__all__ = ["DEFAULT_SERVER", "Api", "ApiError", "Json", "normalise_url", "unreachable"]

Json = dict[str, Any]  # a JSON object as the server sends it

DEFAULT_SERVER = "http://127.0.0.1:5000"
CONNECT_TIMEOUT, READ_TIMEOUT = 3.05, 15.0


def _retry_after(response: requests.Response) -> int | None:
    raw = response.headers.get("Retry-After", "")
    return int(raw) if raw.isdigit() else None


class Api:
    """Papo's REST API as methods; each returns the decoded JSON or raises ApiError.

    `language` ("en", "pt_BR") goes out as Accept-Language, so the server words its errors in it.
    """

    def __init__(self, base_url: str, token: str | None = None, language: str = DEFAULT) -> None:
        self.base_url = normalise_url(base_url)
        self.token = token
        self.language = language
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "papo-client/0.1"

    def clone(self) -> Api:
        """A second client with the same server, token and language, for another thread."""
        return Api(self.base_url, self.token, self.language)

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request; return its JSON (None for 204) or raise ApiError."""
        headers = {"Accept-Language": http_tag(self.language)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.request(
                method,
                self.base_url + path,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                **kwargs,
            )
        except requests.RequestException as exc:
            raise unreachable(self.base_url, type(exc).__name__) from None
        if response.status_code == 204:
            return None
        body = _json(response)
        if not response.ok:
            raise ApiError.from_body(response.status_code, body, _retry_after(response))
        return body

    # --- auth ---------------------------------------------------------------------------

    def login(self, username: str, password: str) -> Json:
        """Sign in; keep the token for the next requests."""
        return self._signed_in(self.request("POST", "/auth/login", json=_creds(username, password)))

    def register(self, username: str, password: str, name: str, age: int | None = None) -> Json:
        """Create a member account and sign it in."""
        body = {**_creds(username, password), "name": name}
        if age is not None:
            body["age"] = age
        return self._signed_in(self.request("POST", "/auth/register", json=body))

    def _signed_in(self, body: Json) -> Json:
        self.token = body["token"]
        return body

    def logout(self) -> None:
        """End this session on the server and forget the token."""
        try:
            self.request("POST", "/auth/logout")
        finally:
            self.token = None

    def me(self) -> Json:
        """Return the signed-in user."""
        answer: Json = self.request("GET", "/auth/me")
        return answer

    # --- rooms and messages -------------------------------------------------------------

    def rooms(self) -> list[Json]:
        """The rooms this user can see, with unread counts."""
        answer: list[Json] = self.request("GET", "/rooms")
        return answer

    def create_room(self, name: str, topic: str = "", private: bool = False) -> Json:
        """Create a channel; the creator is its first member."""
        body = {"name": name, "topic": topic, "private": private}
        answer: Json = self.request("POST", "/rooms", json=body)
        return answer

    def join_room(self, room_id: int) -> Json:
        """Join a public channel."""
        answer: Json = self.request("POST", f"/rooms/{room_id}/join")
        return answer

    def leave_room(self, room_id: int) -> None:
        """Leave a room."""
        self.request("POST", f"/rooms/{room_id}/leave")

    def open_direct(self, user_id: int) -> Json:
        """Open (or find again) the direct conversation with a user."""
        answer: Json = self.request("POST", "/rooms/direct", json={"user_id": user_id})
        return answer

    def members(self, room_id: int) -> list[Json]:
        """The room's members, each marked online or not."""
        answer: list[Json] = self.request("GET", f"/rooms/{room_id}/members")
        return answer

    def history(
        self, room_id: int, *, before: int | None = None, after: int | None = None, limit: int = 50
    ) -> list[Json]:
        """Messages newest first before an id, or oldest first after one."""
        params: dict[str, int] = {"limit": limit}
        if before is not None:
            params["before"] = before
        if after is not None:
            params["after"] = after
        answer: list[Json] = self.request("GET", f"/rooms/{room_id}/messages", params=params)
        return answer

    def history_after(self, room_id: int, after: int, page: int = 200) -> list[Json]:
        """Every message of the room after `after`, oldest first, a page at a time."""
        found: list[Json] = []
        while True:
            batch = self.history(room_id, after=after, limit=page)
            found += batch
            if len(batch) < page:
                return found
            after = batch[-1]["id"]

    # --- users --------------------------------------------------------------------------

    def users(self, q: str = "", page: int = 1, per_page: int = 50) -> Json:
        """One page of users: {items, pagination}."""
        params = {"q": q, "page": page, "per_page": per_page}
        answer: Json = self.request("GET", "/users", params=params)
        return answer

    def create_user(self, **fields: Any) -> Json:
        """Create an account (admins only)."""
        answer: Json = self.request("POST", "/users", json=fields)
        return answer

    def update_user(self, user_id: int, **changes: Any) -> Json:
        """Change some fields of a user (PATCH)."""
        answer: Json = self.request("PATCH", f"/users/{user_id}", json=changes)
        return answer

    def delete_user(self, user_id: int) -> None:
        """Delete a user (admins only)."""
        self.request("DELETE", f"/users/{user_id}")


def normalise_url(url: str) -> str:
    """Trim spaces and the trailing slash; add http:// when no scheme was typed."""
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    return url


def _creds(username: str, password: str) -> Json:
    return {"username": username.strip(), "password": password}


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
