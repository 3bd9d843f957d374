"""Login throttling (exponential back-off per account and address) and per-user rate limits."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """At most `max_keys` records by key, the least recently used forgotten first; callers
    hold `lock` around every use."""

    def __init__(self, max_keys: int) -> None:
        self.max_keys = max_keys
        self.lock = threading.Lock()
        self._records: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def get(self, key: K) -> V | None:
        """The record of `key`, if kept."""
        return self._records.get(key)

    def use(self, key: K, make: Callable[[], V]) -> V:
        """The record of `key` (made if new), now the most recently used."""
        record = self._records.pop(key, None) or make()
        self._records[key] = record
        while len(self._records) > self.max_keys:
            self._records.popitem(last=False)
        return record

    def forget(self, key: K) -> None:
        """Drop the record of `key`."""
        self._records.pop(key, None)


@dataclass(kw_only=True)
class PerKey(Generic[K, V]):
    """Records per key, at most `max_keys` of them (Bounded), with the `clock` they use."""

    max_keys: int = 100_000
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._records: Bounded[K, V] = Bounded(self.max_keys)


@dataclass
class _Record:
    failures: int = 0
    blocked_until: float = 0.0


@dataclass
class LoginThrottle(PerKey[str, "_Record"]):
    """Count failed logins per key; after `free_attempts`, each failure doubles the wait.

    Kept in this process's memory and bounded in size. With several processes the counters
    belong in Redis (see the production-serving work), which this class's interface allows.
    """

    free_attempts: int
    max_lockout: float

    def retry_after(self, *keys: str) -> int:
        """Return the seconds to wait before any of `keys` may try again (0: go ahead)."""
        now = self.clock()
        with self._records.lock:
            waits = [r.blocked_until - now for k in keys if (r := self._records.get(k))]
        return max(0, math.ceil(max(waits, default=0)))

    def failed(self, key: str, free_attempts: int | None = None) -> None:
        """Record one failure for `key`, blocking it once its free attempts are spent."""
        free = self.free_attempts if free_attempts is None else free_attempts
        with self._records.lock:
            record = self._records.use(key, _Record)
            record.failures += 1
            over = record.failures - free
            if over > 0:
                wait = min(self.max_lockout, 2 ** (over - 1))
                record.blocked_until = self.clock() + wait

    def succeeded(self, key: str) -> None:
        """Forget the failures of `key` after a successful login."""
        with self._records.lock:
            self._records.forget(key)


class TokenBucket:
    """Allow `rate` events per second on average, with bursts of up to `burst`."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self) -> bool:
        """Spend one token if there is one; False means: over the limit, refuse."""
        return self.wait() == 0

    def wait(self) -> float:
        """Spend one token and return 0, or return the seconds until one comes back."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class RateLimits(PerKey[int, "TokenBucket"]):
    """A TokenBucket per key (a user id), for every process's connections and requests alike.

    Bounded like LoginThrottle: past `max_keys`, the least recently used bucket is forgotten
    (its owner starts again with a full burst). Kept in this process's memory: with several
    processes, each grants its own allowance.
    """

    rate: float
    burst: int

    def wait(self, key: int) -> float:
        """Spend one of `key`'s tokens and return 0, or return the seconds until one is back."""
        with self._records.lock:
            fresh = self._records.use(key, lambda: TokenBucket(self.rate, self.burst, self.clock))
            return fresh.wait()


class RedisLoginThrottle:
    """LoginThrottle's rules with the counters in Redis, shared by every server process."""

    def __init__(self, url: str, free_attempts: int, max_lockout: float) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.free_attempts = free_attempts
        self.max_lockout = max_lockout
        # Failures are forgotten a while after the longest lockout would have ended.
        self.memory = int(max_lockout * 2 + 3600)

    @staticmethod
    def _key(key: str) -> str:
        return f"papo:login:{key}"

    def retry_after(self, *keys: str) -> int:
        """Return the seconds to wait before any of `keys` may try again (0: go ahead)."""
        pipe = self.redis.pipeline()
        for key in keys:
            pipe.hget(self._key(key), "blocked_until")
        now = time.time()
        waits = [float(until) - now for until in pipe.execute() if until]
        return max(0, math.ceil(max(waits, default=0)))

    def failed(self, key: str, free_attempts: int | None = None) -> None:
        """Record one failure for `key`, blocking it once its free attempts are spent."""
        free = self.free_attempts if free_attempts is None else free_attempts
        name = self._key(key)
        pipe = self.redis.pipeline()
        pipe.hincrby(name, "failures", 1)
        pipe.expire(name, self.memory)
        failures = pipe.execute()[0]
        over = failures - free
        if over > 0:
            wait = min(self.max_lockout, 2 ** (over - 1))
            self.redis.hset(name, "blocked_until", time.time() + wait)

    def succeeded(self, key: str) -> None:
        """Forget the failures of `key` after a successful login."""
        self.redis.delete(self._key(key))
