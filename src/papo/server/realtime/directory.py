"""Who is connected where: the directory of live connections, per process or through Redis.

With one process the directory is a pair of dictionaries. With several processes
(`REDIS_URL`), every process writes its connections to Redis, so any process can find a
user's connections (to add them to a room or drop them) and count who is online. A
process that dies without cleaning up (SIGKILL) stops refreshing its heartbeat; the
survivors then remove its connections and announce who went offline.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any, cast

log = logging.getLogger(__name__)

RENAMES = "papo:renames"
HEARTBEAT_SECONDS = 5
HOST_TTL_SECONDS = 15

Person = dict[str, Any]  # {id, username, name}
Rename = Callable[[int, str, str], None]


class LocalDirectory:
    """The connections of a single process."""

    def __init__(self) -> None:
        self._by_user: dict[int, dict[str, int]] = defaultdict(dict)

    def add(self, sid: str, user_id: int, session_id: int, person: Person) -> bool:
        """Record a connection; True when it is the user's first."""
        sids = self._by_user[user_id]
        sids[sid] = session_id
        return len(sids) == 1

    def remove(self, sid: str, user_id: int) -> bool:
        """Forget a connection; True when it was the user's last."""
        sids = self._by_user.get(user_id)
        if sids is None or sids.pop(sid, None) is None:
            return False
        if not sids:
            del self._by_user[user_id]
            return True
        return False

    def connections_of(self, user_id: int) -> dict[str, int]:
        """Return {sid: session id} for the user's live connections."""
        return dict(self._by_user.get(user_id, {}))

    def online(self, user_ids: list[int]) -> list[int]:
        """Return those of `user_ids` with at least one live connection."""
        return [uid for uid in user_ids if self._by_user.get(uid)]

    def start(self, hub: Any) -> None:
        """Nothing runs in the background for one process."""

    def stop(self) -> None:
        """Nothing to clean up: the directory dies with the process."""

    def rename(self, user_id: int, username: str, name: str, apply: Rename) -> None:
        """Only this process holds connections: rename them here."""
        apply(user_id, username, name)


class RedisDirectory:
    """Connections of every process, kept in Redis under `papo:` keys."""

    def __init__(
        self, url: str, start_task: Callable[..., Any], sleep: Callable[[float], Any]
    ) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.host = uuid.uuid4().hex
        self._start_task, self._sleep = start_task, sleep

    def _user_key(self, user_id: int) -> str:
        return f"papo:user:{user_id}"

    def _host_key(self, host: str) -> str:
        return f"papo:host:{host}"

    def add(self, sid: str, user_id: int, session_id: int, person: Person) -> bool:
        """Record a connection; True when it is the user's first anywhere."""
        pipe = self.redis.pipeline()
        pipe.hset(self._user_key(user_id), sid, f"{session_id}:{self.host}")
        pipe.hset(self._host_key(self.host), sid, json.dumps(person))
        pipe.hlen(self._user_key(user_id))
        return bool(pipe.execute()[-1] == 1)

    def remove(self, sid: str, user_id: int) -> bool:
        """Forget a connection; True when it was the user's last anywhere."""
        pipe = self.redis.pipeline()
        pipe.hdel(self._user_key(user_id), sid)
        pipe.hdel(self._host_key(self.host), sid)
        pipe.hlen(self._user_key(user_id))
        removed, _, left = pipe.execute()
        return bool(removed) and left == 0

    def connections_of(self, user_id: int) -> dict[str, int]:
        """Return {sid: session id} for the user's connections on every process."""
        entries = self._hash(self._user_key(user_id))
        return {sid: int(value.split(":", 1)[0]) for sid, value in entries.items()}

    def online(self, user_ids: list[int]) -> list[int]:
        """Return those of `user_ids` with at least one connection on any process."""
        pipe = self.redis.pipeline()
        for uid in user_ids:
            pipe.hlen(self._user_key(uid))
        return [uid for uid, count in zip(user_ids, pipe.execute(), strict=True) if count]

    def start(self, hub: Any) -> None:
        """Announce this process; start its heartbeat, the reaper and the rename listener."""
        self._hub = hub
        self._beat()
        self._start_task(self._loop)
        self._start_task(self._listen)

    def stop(self) -> None:
        """Leave the directory at once (a graceful stop): nothing is left to reap."""
        pipe = self.redis.pipeline()
        pipe.delete(f"papo:alive:{self.host}", self._host_key(self.host))
        pipe.srem("papo:hosts", self.host)
        pipe.execute()

    def rename(self, user_id: int, username: str, name: str, apply: Rename) -> None:
        """Tell every process, this one included, the user's new name."""
        apply(user_id, username, name)
        message = json.dumps({"id": user_id, "username": username, "name": name, "from": self.host})
        self.redis.publish(RENAMES, message)

    def _listen(self) -> None:
        while True:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(RENAMES)
                for message in pubsub.listen():
                    person = json.loads(message["data"])
                    if person.pop("from") != self.host:
                        self._hub.apply_rename(person["id"], person["username"], person["name"])
            except Exception:  # Redis away: listen again after a pause
                log.warning("rename listener lost Redis", exc_info=True)
                self._sleep(HEARTBEAT_SECONDS)

    def _beat(self) -> None:
        pipe = self.redis.pipeline()
        pipe.sadd("papo:hosts", self.host)
        pipe.set(f"papo:alive:{self.host}", "1", ex=HOST_TTL_SECONDS)
        if pipe.execute()[0] and getattr(self, "_hub", None) is not None:
            self._register_again()

    def _register_again(self) -> None:
        """Redis came back empty (or this host was reaped): write our connections again."""
        for conn in list(self._hub.conns.values()):
            self.add(conn.sid, conn.user_id, conn.session_id, conn.author())

    def _loop(self) -> None:
        while True:
            self._sleep(HEARTBEAT_SECONDS)
            try:
                self._beat()
                self.reap(self._hub.announce_offline)
            except Exception:  # Redis away for a moment: try again next beat
                log.warning("directory heartbeat failed", exc_info=True)

    def reap(self, on_offline: Callable[[Person], None]) -> None:
        """Remove the connections of processes whose heartbeat stopped."""
        for host in cast(set[str], self.redis.smembers("papo:hosts")):
            if host == self.host or self.redis.exists(f"papo:alive:{host}"):
                continue
            if not self.redis.set(f"papo:reaping:{host}", self.host, nx=True, ex=60):
                continue  # another survivor is on it
            for sid, raw in self._hash(self._host_key(host)).items():
                person = json.loads(raw)
                if self._forget(sid, person["id"]):
                    on_offline(person)
            self.redis.delete(self._host_key(host))
            self.redis.srem("papo:hosts", host)

    def _hash(self, key: str) -> dict[str, str]:
        """A Redis hash: text fields and values (the client decodes responses)."""
        return cast(dict[str, str], self.redis.hgetall(key))

    def _forget(self, sid: str, user_id: int) -> bool:
        """Forget a dead process's connection; True when the user has none left."""
        pipe = self.redis.pipeline()
        pipe.hdel(self._user_key(user_id), sid)
        pipe.hlen(self._user_key(user_id))
        removed, left = pipe.execute()
        return bool(removed) and left == 0
