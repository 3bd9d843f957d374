"""Signing in, out and closing; the language asked of the server; the state of the link."""

from __future__ import annotations

import functools

from ..api import Api, ApiError, Json
from ..errors import ERROR_TEXTS
from ..i18n import N_, Lazy
from ..realtime import Realtime
from ..state import CONNECTED, State
from .base import Done, Failed, Job, log
from .rooms import RoomIntents


class SessionIntents(RoomIntents):
    """The session with one server, from sign-in to sign-out."""

    @property
    def signed_in(self) -> bool:
        """True once a sign-in succeeded and until sign-out."""
        return self.api is not None and self.state.me is not None

    def set_language(self, language: str) -> None:
        """Ask the server for `language` from now on: REST at once, Socket.IO at the next
        (re)connect (the errors the client words itself follow at once anyway)."""
        self.language = language
        for api in (self.api, self.realtime.api if self.realtime else None):
            if api is not None:
                api.language = language

    def sign_in(self, server: str, username: str, password: str, *, failed: Failed = None) -> Job:
        """Sign in over REST, then load the rooms and connect."""
        api = Api(server, language=self.language)
        then = functools.partial(self._signed_in, api)
        return self.call(api.login, username, password, then=then, failed=failed)

    def register(self, server: str, fields: Json, *, failed: Failed = None) -> Job:
        """Create an account (POST /auth/register), then carry on as after sign-in."""
        api = Api(server, language=self.language)
        then = functools.partial(self._signed_in, api)
        return self.call(api.register, **fields, then=then, failed=failed)

    def _signed_in(self, api: Api, body: Json) -> None:
        self.api, self.state = api, State(me=body["user"], server=api.base_url)
        self.state.changed("session")
        self.call(api.rooms, then=functools.partial(self._first_rooms, api))

    def _first_rooms(self, api: Api, rooms: list[Json]) -> None:
        if api is not self.api:  # signed out (or in again) before the rooms came
            return
        self.state.set_rooms(rooms)
        self.realtime = Realtime(api, self.post, self.state.last_ids)
        self.realtime.start()
        joined = self.state.member_rooms()
        if joined:
            general = [r for r in joined if r.name == "general"]
            self.open_room((general or joined)[0].id)

    def sign_out(self, then: Done = None) -> Job:
        """Close the link, end the session on the server, and forget everything."""
        realtime, api = self.realtime, self.api
        self.realtime, self.api = None, None
        self.state = State(server=api.base_url if api else "")
        self.state.changed("session")

        def goodbye() -> None:
            if realtime is not None:
                realtime.close()
            if api is not None and api.token:
                api.logout()

        def anyway(_error: ApiError) -> None:
            if then is not None:
                then(None)

        return self.call(goodbye, then=then, failed=anyway)

    def close(self, timeout: float = 5.0) -> None:
        """Close the socket and stop the worker (the session stays valid for next time)."""
        realtime, self.realtime = self.realtime, None
        for job in self._jobs.copy():  # what waits in line is not wanted now (copy: atomic)
            job.cancel()
        if realtime is not None:
            # Never cancelled: a socket left open would keep the user online for everyone.
            future = self._submit(realtime.close)
            try:
                future.result(timeout)
            except Exception:
                log.warning("the connection did not close within %ss", timeout)
        self.worker.shutdown(wait=False)

    def _on_signed_out(self, data: Json) -> None:
        error = ApiError.from_body(401, {"error": data})
        worded = error.message or error.code in ERROR_TEXTS
        self.state.say(Lazy(error.describe) if worded else Lazy(N_("Signed out by the server.")))
        self.state.changed("expired")

    def _on_link(self, data: tuple[str, int, str]) -> None:
        status, attempts, reason = data
        if self.realtime is None and status != "offline":
            return  # a late event from a connection already closed
        self.state.set_link(status, attempts=attempts, reason=reason)
        if status == CONNECTED:
            self._flush_outbox()
