"""A stream of chat messages from several real clients, with faults injected meanwhile, and
the check that follows: every acknowledged message is stored exactly once, seqs have no gap,
and a reader that resumes after each fault has seen exactly what is stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chat.clients import LiveApi, LiveClient
from support.accounts import Account
from support.waiting import wait_until

GENERAL = 1
RETRY_PAUSE = 0.1


@dataclass
class Writer:
    """One account sending `count` messages, each retried with its client_id until it is
    acknowledged (across disconnects, restarts and database outages)."""

    number: int
    client: LiveClient
    count: int
    deadline: float
    acked: dict[str, int] = field(default_factory=dict)  # client_id -> message id
    duplicates: int = 0  # retries the server recognised: stored before, ack lost
    refusals: int = 0  # error acknowledgements (service_unavailable while the database is down)
    failures: int = 0  # sends that got no acknowledgement at all (connection gone)
    error: BaseException | None = None

    def run(self) -> None:
        try:
            for i in range(self.count):
                self._send(f"w{self.number}-{i}", f"message {i} from writer {self.number}")
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def _send(self, client_id: str, text: str) -> None:
        while time.monotonic() < self.deadline:
            if not self.client.connected:
                time.sleep(RETRY_PAUSE)
                continue
            try:
                ack = self.client.call("send_message", {"message": text, "client_id": client_id})
            except Exception:  # disconnected before the ack: the outcome is unknown, retry
                self.failures += 1
                continue
            if ack.get("ok"):
                self.acked[client_id] = ack["message"]["id"]
                self.duplicates += bool(ack["duplicate"])
                return
            self.refusals += 1
            time.sleep(RETRY_PAUSE)
        raise AssertionError(f"{client_id} was never acknowledged")


class Reader:
    """A member who listens, and after every reconnection asks `resume` for what it missed
    since the last message it holds without a gap (as docs/protocol.md tells clients to)."""

    def __init__(self, client: LiveClient) -> None:
        self.client = client
        self.seen: dict[int, dict[str, Any]] = {}
        self.resumes = 0

    def collect(self) -> None:
        """Take the live messages received so far."""
        for message in self.client.received("receive_message"):
            self.seen[message["id"]] = message

    def resume(self) -> None:
        """Ask for everything after the last message held without a gap."""
        self.collect()
        ack = self.client.call("resume", {"last_ids": {str(GENERAL): self.last_contiguous()}})
        assert ack["ok"] is True, ack
        room = ack["rooms"][str(GENERAL)]
        for message in room["messages"]:
            self.seen[message["id"]] = message
        self.resumes += 1
        if room["more"]:
            self.resume()

    def last_contiguous(self) -> int:
        """The id of the message with the highest seq reached from 1 without a gap."""
        return last_contiguous(self.seen)


def last_contiguous(seen: dict[int, dict[str, Any]]) -> int:
    """Of the messages of one room held, the id of the one with the highest seq reached from
    1 without a gap: what to resume after (live deliveries may arrive out of order)."""
    by_seq = {m["seq"]: m["id"] for m in seen.values()}
    last, seq = 0, 1
    while seq in by_seq:
        last, seq = by_seq[seq], seq + 1
    return last


@dataclass
class Fault:
    """Something that goes wrong; whether it drops the clients' connections."""

    inject: Callable[[], None]
    drops_connections: bool


@dataclass
class Outcome:
    """What the run produced, for the assertions and the figures."""

    acked: dict[str, int]
    stored: list[dict[str, Any]]
    seen: dict[int, dict[str, Any]]
    duplicates: int
    refusals: int
    failures: int
    resumes: int


def run_stream(
    url: str,
    *,
    writers: int,
    per_writer: int,
    faults: list[Fault],
    timeout: float,
) -> Outcome:
    """Send the stream; inject the faults in turn, evenly spread over the acknowledged
    messages; then let the writers finish and the reader catch up."""
    api = LiveApi(url)
    deadline = time.monotonic() + timeout
    reader_account = api.member()
    team = [_writer(api, url, n, per_writer, deadline) for n in range(writers)]
    reader = Reader(LiveClient(url, {"token": reader_account.token}, reconnection=True).connect())
    threads = [threading.Thread(target=w.run, name=f"writer-{w.number}") for w in team]
    try:
        for thread in threads:
            thread.start()
        total = writers * per_writer
        for step, fault in enumerate(faults, start=1):
            due = total * step // (len(faults) + 1)
            wait_until(
                lambda due=due: sum(len(w.acked) for w in team) >= due,
                deadline - time.monotonic(),
                f"{due} acknowledged messages",
            )
            connects = reader.client.connects
            fault.inject()
            if fault.drops_connections:
                wait_until(
                    lambda c=connects: reader.client.connects > c,
                    deadline - time.monotonic(),
                    "the reader reconnected",
                )
            reader.resume()
        for thread in threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        for writer in team:
            if writer.error:
                raise writer.error
        assert not any(t.is_alive() for t in threads), "writers still running at the deadline"
        reader.resume()
        stored = api.everything_in(reader_account, GENERAL)
    finally:
        for client in [reader.client, *(w.client for w in team)]:
            client.close()
    return Outcome(
        acked={k: v for w in team for k, v in w.acked.items()},
        stored=stored,
        seen=reader.seen,
        duplicates=sum(w.duplicates for w in team),
        refusals=sum(w.refusals for w in team),
        failures=sum(w.failures for w in team),
        resumes=reader.resumes,
    )


def _writer(api: LiveApi, url: str, number: int, count: int, deadline: float) -> Writer:
    account: Account = api.member()
    client = LiveClient(url, {"token": account.token}, reconnection=True).connect()
    return Writer(number=number, client=client, count=count, deadline=deadline)


def check_nothing_lost(outcome: Outcome) -> None:
    """Every acknowledged message stored once under the acknowledged id, seqs 1..N with no
    gap, nothing stored that was not acknowledged, and the reader saw exactly the store."""
    stored_ids = [m["id"] for m in outcome.stored]
    by_client_id = {m["client_id"]: m["id"] for m in outcome.stored}
    assert len(stored_ids) == len(set(stored_ids)), "a message is stored twice"
    assert len(by_client_id) == len(outcome.stored), "a client_id is stored twice"
    assert [m["seq"] for m in outcome.stored] == list(range(1, len(outcome.stored) + 1))
    assert stored_ids == sorted(stored_ids), "ids do not grow with seq"
    missing = {k for k in outcome.acked if k not in by_client_id}
    assert missing == set(), f"acknowledged but not stored: {sorted(missing)[:10]}"
    moved = {k for k, v in outcome.acked.items() if by_client_id[k] != v}
    assert moved == set(), f"stored under another id than acknowledged: {sorted(moved)[:10]}"
    assert set(by_client_id) == set(outcome.acked), "stored but never acknowledged"
    assert set(outcome.seen) == set(stored_ids), "the reader's view differs from the store"
