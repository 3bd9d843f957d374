# ruff: noqa: E501  (the page is prose in f-strings; wrapping it would hurt more than help)
"""docs/benchmarks.md, rendered from one run's JSON: every figure in it comes from that run."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = "papo-2w-redis"  # the multi-process target (bench/run.py workers_variant)


def _get(items: list[dict], **match) -> dict:
    for item in items:
        if all(item.get(k) == v for k, v in match.items()):
            return item
    return {}


def _pct(value) -> str:
    return "–" if value is None else f"{value:.0f} %"


def _f(value, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.1f}" if isinstance(value, float) and value < 100 else f"{round(value):,}"
    return text + unit


class Facts:
    """Figures of one run, looked up by what they mean."""

    def __init__(self, results: dict, t) -> None:
        self.r = results
        self.t = t

    def fan(self, target: str, receivers: int) -> tuple[dict, dict]:
        run = self.t._fanout(self.r, target, receivers) or {}
        return run, self.t._step(run, run.get("max_sustainable")) or {}

    def ratio(self, target: str, receivers: int) -> str:
        run, _ = self.fan(target, receivers)
        ref, _ = self.fan("node-sio", receivers)
        return self.t._ratio(run.get("max_sustainable"), ref.get("max_sustainable"))

    def cap(self, target: str, count: int) -> dict:
        return _get(self.r.get("capacity", []), target=target, requested=count)

    def rest(self, target: str, prefix: str) -> dict:
        for item in self.r.get("rest", []):
            if item.get("target") == target and str(item.get("name", "")).startswith(prefix):
                return item
        return {}

    def persist(self, target: str, note_start: str = "") -> dict:
        for item in self.r.get("persistence", []):
            if item.get("target") == target and str(item.get("note", "")).startswith(note_start):
                return item
        return {}

    def prof(self, receivers: int) -> dict:
        return self.r.get("profile", {}).get(str(receivers), {})

    def stage(self, receivers: int, startswith: str):
        for s in self.prof(receivers).get("stages", []):
            if s["stage"].startswith(startswith):
                return s["pct"]
        return 0.0

    def cut(self, receivers: int, startswith: str):
        for c in self.prof(receivers).get("cross_cuts", []):
            if c["cost"].startswith(startswith):
                return c["pct"]
        return None

    def watch(self, receivers: int, key: str, kind: str = "self"):
        return self.prof(receivers).get("watch", {}).get(key, {}).get(kind)


def _fan_sentence(f: Facts, target: str, receivers: int) -> str:
    run, best = f.fan(target, receivers)
    if not run or "error" in run:
        return "was not measured"
    if not best:
        fail = f.t._step(run, run.get("first_fail")) or {}
        return (
            f"**passed no step** (the lowest tried, {run.get('first_fail')} msg/s, "
            f"had p99 {_f(fail.get('p99'))} ms)"
        )
    return (
        f"sustains **{run['max_sustainable']:,} msg/s → {best['deliveries_per_s']:,} "
        f"deliveries/s** (p50 {_f(best['p50'])} / p99 {_f(best['p99'])} ms)"
    )


def _busy_steps(results: dict) -> int:
    return sum(
        1
        for run in results.get("fanout", [])
        for s in run.get("steps", [])
        if (s.get("other_core1") or 0) > 25
        or (run.get("target") != "papo-pg" and (s.get("other_core0") or 0) > 25)
    )


def headline(f: Facts) -> str:
    """The block the README quotes."""
    r = f.r
    m = r["machine"]
    day = f"{r['timestamp'][:4]}-{r['timestamp'][4:6]}-{r['timestamp'][6:8]}"
    lines = [
        f"Measured by `make bench` on {day} ({m['cores']}-core {m['cpu']}; "
        "servers pinned to core 0, load generator to core 1). "
        "Sustainable = the highest offered rate with p99 < 100 ms and nothing lost.",
        "",
    ]
    busy = _busy_steps(r)
    if busy:
        lines[0] += (
            f" **Caution: other jobs took more than 25 % of a core in {busy} of the fan-out "
            "steps of this run (see “other CPU” in the step table); absolute figures are low.**"
        )
    for receivers in f.t._receivers(r):
        ratio = f.ratio("papo-sqlite", receivers)
        lines.append(
            f"- **Fan-out to {receivers:,} receivers** in one room: Papo on SQLite "
            f"{_fan_sentence(f, 'papo-sqlite', receivers)}"
            + (f", **{ratio} Node socket.io**" if ratio != "–" else "")
            + f"; Node socket.io {_fan_sentence(f, 'node-sio', receivers)}; "
            f"Papo on PostgreSQL {_fan_sentence(f, 'papo-pg', receivers)}; "
            f"Papo as 2 processes + Redis, all on core 0, {_fan_sentence(f, WORKERS, receivers)}."
        )
    counts = sorted({c["requested"] for c in r.get("capacity", [])})
    if counts:
        big = counts[-1]
        papo, node = f.cap("papo-sqlite", big), f.cap("node-sio", big)
        lines.append(
            f"- **Idle connections:** one Papo process held {_f(papo.get('connected'))} of {big:,} "
            f"at **{papo.get('kib_per_conn', '–')} KiB each** (Node socket.io "
            f"{node.get('kib_per_conn', '–')} KiB: {f.t._ratio(papo.get('kib_per_conn'), node.get('kib_per_conn'))})."
        )
    ahead = []
    for receivers in f.t._receivers(r):
        old, new = f.fan(BEFORE, receivers)[0], f.fan("papo-sqlite", receivers)[0]
        if old and new:
            ahead.append(
                f"{_f(new.get('max_sustainable')) if new.get('max_sustainable') else 'none'} "
                "msg/s against "
                f"{_f(old.get('max_sustainable')) if old.get('max_sustainable') else 'none'} "
                f"at C={receivers:,}"
            )
    old_cap = [c for c in r.get("capacity", []) if c.get("target") == BEFORE]
    if ahead or old_cap:
        text = "- **Direct WebSocket writes against the library's writer, same run:** " + "; ".join(
            ahead
        )
        if old_cap:
            new_cap = f.cap("papo-sqlite", old_cap[0]["requested"])
            text += (
                f"; {_f(new_cap.get('kib_per_conn'))} KiB against "
                f"{_f(old_cap[0].get('kib_per_conn'))} KiB per idle connection"
            )
        lines.append(text + " (see Before and after).")
    sq, pg_on = f.persist("papo-sqlite"), f.persist("papo-pg", "synchronous_commit=on")
    lines.append(
        f"- **Persistence:** {_f(sq.get('commits_per_s'))} acknowledged (committed) messages/s on "
        f"SQLite, {_f(pg_on.get('commits_per_s'))} on PostgreSQL (synchronous_commit on), "
        "10 senders with 5 sends in flight each."
    )
    users, login = (
        f.rest("papo-sqlite", "GET /users (page"),
        f.rest("papo-sqlite", "POST /auth/login"),
    )
    msgs = f.rest("papo-sqlite", "GET /rooms")
    lines.append(
        f"- **REST (SQLite, 50 connections):** GET /users (50 of 10,000) {_f(users.get('req_per_s'))} req/s "
        f"(p99 {_f(users.get('p99'))} ms); GET /rooms/1/messages {_f(msgs.get('req_per_s'))} req/s "
        f"(p99 {_f(msgs.get('p99'))} ms); POST /auth/login {_f(login.get('req_per_s'))} req/s "
        "(argon2id is slow on purpose)."
    )
    lines.append(
        "- Nothing was lost or duplicated in any step"
        if _no_loss(r)
        else "- **Some steps lost or duplicated messages: see the step table**"
    )
    lines[-1] += "; overload shows as queueing latency."
    return "\n".join(lines)


BEFORE = "papo-library-ws"


def before_after(f: Facts) -> str:
    """Papo as shipped against the same Papo with the library's WebSocket writer."""
    rows = []
    for receivers in f.t._receivers(f.r):
        (old, old_best), (new, new_best) = f.fan(BEFORE, receivers), f.fan("papo-sqlite", receivers)
        if not old or not new:
            continue
        rows.append(
            [
                f"fan-out to {receivers:,}: highest rate with p99 < 100 ms, msg/s",
                _f(old.get("max_sustainable")) if old.get("max_sustainable") else "none",
                _f(new.get("max_sustainable")) if new.get("max_sustainable") else "none",
                f.t._ratio(new.get("max_sustainable"), old.get("max_sustainable")),
            ]
        )
        rows.append(
            [
                f"fan-out to {receivers:,}: × Node socket.io",
                f.ratio(BEFORE, receivers),
                f.ratio("papo-sqlite", receivers),
                "",
            ]
        )
        rows.append(
            [
                f"fan-out to {receivers:,}: p50 / p99 ms at that rate",
                f"{_f(old_best.get('p50'))} / {_f(old_best.get('p99'))}",
                f"{_f(new_best.get('p50'))} / {_f(new_best.get('p99'))}",
                "",
            ]
        )
    counts = sorted({c["requested"] for c in f.r.get("capacity", []) if c["target"] == BEFORE})
    for count in counts:
        old, new = f.cap(BEFORE, count), f.cap("papo-sqlite", count)
        rows.append(
            [
                f"{count:,} idle connections: KiB each",
                _f(old.get("kib_per_conn")),
                _f(new.get("kib_per_conn")),
                f.t._ratio(new.get("kib_per_conn"), old.get("kib_per_conn")),
            ]
        )
    if not rows:
        return "Not measured in this run."
    return f.t._table(
        ["measure", "library writer (before)", "direct writer (now)", "now / before"], rows
    )


def redis_sentence(f: Facts) -> str:
    """How the multi-process target compares with one process, at each C."""
    parts = []
    for receivers in f.t._receivers(f.r):
        one, _ = f.fan("papo-sqlite", receivers)
        two, _ = f.fan(WORKERS, receivers)
        if not one or not two or "error" in two:
            continue
        ratio = f.t._ratio(two.get("max_sustainable"), one.get("max_sustainable"))
        parts.append(
            f"at C={receivers:,} it {_fan_sentence(f, WORKERS, receivers)}: {ratio} one process"
        )
    if not parts:
        return "Not measured in this run."
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def _no_loss(results: dict) -> bool:
    return all(
        not s.get("lost") and not s.get("duplicated")
        for run in results.get("fanout", [])
        for s in run.get("steps", [])
    )


def _stage_notes(f: Facts) -> dict[str, str]:
    """What each stage is, with the single functions that carry it, from this run."""
    big, small = 1000, 100
    w = f.watch
    return {
        "per-recipient writer": (
            "What python-engineio does by itself: one writer greenlet per connection "
            "(`engineio/socket.py` `Socket._websocket_handler.<locals>.writer`) woken for every "
            "queued packet, framing it and writing it with gevent's `sendall` (a "
            "`getsockopt(SO_SNDBUF)` and a `send()` each). That was 72 % of busy CPU at "
            "C=1,000 in the first profiled run (bench/results/20261124T152953Z.json). Papo now "
            "writes directly (`src/papo/server/realtime/websocket.py`), so this stage holds only "
            "the backlog flushes of clients whose kernel buffer was full."
        ),
        "broadcast": (
            "`Hub.emit_to_room` (`src/papo/server/realtime/hub.py`) → python-socketio `Manager.emit` "
            "(encodes the packet once) → `Writer.send` for each recipient "
            "(`src/papo/server/realtime/websocket.py`): the ping-timeout check, the WebSocket "
            "frame built once per broadcast, and one non-blocking `send()` per recipient "
            f"(`Writer.write` {_pct(w(big, 'papo/server/realtime/websocket.py:Writer.write', 'inclusive'))} "
            f"inclusive at C=1,000, {_pct(w(big, 'papo/server/realtime/websocket.py:Writer.write'))} "
            "self, nearly all of it the syscall). It runs inside `db.session.commit()` through "
            "the `after_commit` hook (`src/papo/server/services/after_commit.py`): the message "
            "reaches every socket before anything else runs, as in Node."
        ),
        "gevent hub": (
            "`gevent/hub.py` `Hub.run`: the event loop polling sockets and switching to the "
            "greenlet of each connection that sent something."
        ),
        "SQLAlchemy, caller": (
            "Samples inside SQLAlchemy whose stack py-spy read cut short, so the Papo caller is "
            "unknown; they belong to the lookups, the insert or the commit."
        ),
        "other": "JSON encoding, timers, stacks read cut short without a known library frame.",
        "insert": (
            "`messages._insert` (`src/papo/server/services/messages.py`): UPDATE rooms … RETURNING "
            "(the per-room counter), INSERT the message, UPDATE rooms.last_message_id, through "
            f"the SQLAlchemy ORM. SQLAlchemy outside the broadcast: {_pct(f.cut(small, 'SQLAlchemy'))} "
            f"at C=100, {_pct(f.cut(big, 'SQLAlchemy'))} at C=1,000."
        ),
        "lookups": (
            "Finding the room and checking membership before the insert "
            "(`rooms.find_for_writing` in `src/papo/server/services/rooms.py`: one SELECT … "
            "OUTER JOIN memberships, built anew on every call). Across the whole hot path at "
            f"C=100, SQLAlchemy spends {_pct(f.cut(small, 'SQLAlchemy building'))} building "
            f"statements and cache keys (`sqlalchemy/sql/`), {_pct(f.cut(small, 'SQLAlchemy ORM loading'))} "
            f"loading rows into objects and {_pct(f.cut(small, 'database driver'))} in the driver "
            "itself: the ORM costs more than SQLite does."
        ),
        "commit": "`Session.commit()` itself (SQLite COMMIT in WAL mode), broadcast excluded.",
        "message": (
            "`messages.public()` turning the row into the message object (for the broadcast "
            f"and the ack); reloading rows expired by a commit: {_pct(f.cut(small, 'reloading'))} "
            "at C=100."
        ),
        "Flask-SocketIO": (
            "Flask-SocketIO's `_handle_event`: an app and a request context per event, the "
            "session's teardown."
        ),
        "send_message": "The handler's own lines: payload checks, the rate-limit bucket.",
        "read": "Reading frames and decoding Engine.IO / Socket.IO packets.",
        "acknowledgement": "Encoding and queueing the ack packet.",
        "connect": "Connections opening or closing during the sample.",
    }


def findings(f: Facts) -> str:
    """The profile's top costs, each with its evidence from this run."""
    big, small = 1000, 100
    shares: dict[str, tuple[float, float]] = {}
    for c in (big, small):
        for s in f.prof(c).get("stages", []):
            a, b = shares.get(s["stage"], (0.0, 0.0))
            shares[s["stage"]] = (s["pct"], b) if c == big else (a, s["pct"])
    ranked = sorted(shares.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    notes = _stage_notes(f)
    out = [
        "Ranked by the mean of the two shares (C=1,000 and C=100) of busy CPU samples:",
        "",
    ]
    for i, (stage, (at_big, at_small)) in enumerate(ranked[:5], 1):
        note = next((text for key, text in notes.items() if stage.startswith(key)), "")
        out.append(
            f"{i}. **{stage}: {at_big:.0f} % at C=1,000, {at_small:.0f} % at C=100.** {note}"
        )
    out += ["", "Latency suspects, each measured in this run (see Diagnostics):"]
    out += _latency_notes(f)
    return "\n".join(out)


def _latency_notes(f: Facts) -> list[str]:
    diag = f.r.get("diagnostics", {})
    shipped, rest = diag.get("as shipped", {}), diag.get("rest_shipped", {})
    out = []
    if shipped.get("ack_p50"):
        # A delayed ACK holds a small write back about 40 ms: an ack p50 near that is Nagle.
        nagle = shipped["ack_p50"] > 20.0
        out.append(
            "- **Nagle's algorithm** (an ack or a response written right after another small "
            "frame waits for the client's delayed ACK, about 40 ms): "
            + ("**present**" if nagle else "not present: Papo sets `TCP_NODELAY`")
            + f". Ack p50 {_f(shipped['ack_p50'])} ms; GET /users on one connection "
            f"{_f(rest.get('p50'))} ms."
        )
    gc = diag.get("gc")
    if gc:
        out.append(
            f"- **Garbage-collection pauses** (every pause stops every greenlet): during "
            f"{gc['seconds']} s at C=1,000 and {gc['rate']} msg/s the collector ran "
            f"{gc['count']} times for 1 ms or more, {gc['over_10ms']} of them ≥ 10 ms, longest "
            f"{_f(gc['max_ms'])} ms ({_f(gc['ms_per_s'])} ms per second; gc callbacks in "
            f"`bench/diag/serve.py`). That step's p99: {_f(gc.get('p99'))} ms"
            + (
                " — the tail is not GC: it is queueing behind broadcasts, each written to "
                "1,010 sockets one after another, plus the noise of the machine."
                if gc["over_10ms"] == 0
                else "."
            )
        )
    storm = f.r.get("storm", [])
    if len(storm) >= 2:
        a, b = storm[0], storm[-1]
        n = b["requested"]
        quadratic = (b.get("frames_while_connecting") or 0) >= n * (n - 1) / 4
        out.append(
            "- **Presence on connect** (each user's first connection is announced to every "
            "connection: one by one up to 10 per 250 ms, beyond that in one `presence_batch` "
            "per 250 ms, `src/papo/server/realtime/presence.py`): "
            f"{a['requested']:,} distinct users connecting drew {_f(a.get('frames_while_connecting'))} "
            f"frames and {a['connect_s']:.1f} s; {n:,} users {_f(b.get('frames_while_connecting'))} "
            f"frames and {b['connect_s']:.1f} s"
            + (
                ": **O(N²)**, about 12.5 million frames for 5,000 users reconnecting after a "
                "restart. The fan-out and idle tests spread their receivers over 100 accounts "
                "for that reason."
                if quadratic
                else f" (one by one, it would be {n * (n - 1) // 2:,} frames)."
            )
        )
    return out


def render(results: dict, json_path: Path, tables_module) -> str:
    """The whole page."""
    t = tables_module
    f = Facts(results, t)
    m = results["machine"]
    py = ", ".join(f"{k} {v}" for k, v in m["python_packages"].items())
    node = ", ".join(f"{k} {v}" for k, v in m["node_packages"].items())
    phases = ", ".join(f"{k} {v:.0f} s" for k, v in results.get("phases", {}).items())
    rel = (
        json_path.resolve().relative_to(ROOT)
        if json_path.resolve().is_relative_to(ROOT)
        else json_path
    )
    noise = _noise(results)
    return f"""# Benchmarks

Generated by `make bench` from `{rel}` (run {results["timestamp"]}); every measured figure
on this page comes from that one run on one machine. Do not edit by hand: run `make bench` again.
The reference figures we started from are in `../shared/reference/perf-anchors.md`; only
same-run ratios are comparable.

## Headline

{headline(f)}

![p99 latency against offered rate](bench-latency.png)

## Running it

```sh
make bench                                         # everything (~{results["wall_s"] / 60:.0f} min here)
make bench BENCH_ARGS="--conns 1000,5000"          # idle connections up to 5,000 only
make bench BENCH_ARGS=--quick                      # short ladders, to try the bench itself
make bench BENCH_ARGS="--wait-quiet 300"           # on a shared machine: wait longer for idle cores
make bench BENCH_ARGS="--only fanout --no-pg"      # one section (the docs are not rewritten)
.venv/bin/python bench/report.py {rel}   # re-render this page from a saved run
```

`make bench` installs the locked Python dependencies (`uv sync`), the Node ones
(`npm ci` in `bench/`) and, if missing, PostgreSQL 15 (`scripts/system-deps.sh`), then runs
`bench/run.py`. This run: command `{results["command"]}`, **wall time {results["wall_s"]:.0f} s**
for the measurements ({phases}).

## Machine and versions

| | |
|---|---|
| CPU | {m["cores"]} × {m["cpu"]}, {m["memory_gib"]} GiB RAM |
| OS | {m["os"]}, kernel {m["kernel"]}, open files {m["open_files"]:,} |
| Python | {m["python"]}: {py} |
| SQLite | {m["sqlite"]} (WAL, synchronous=NORMAL, as Papo sets it) |
| PostgreSQL | {m.get("postgresql") or "not available"} (throwaway cluster, default settings: fsync on, synchronous_commit on) |
| Node | {m["node"]}: {node} |
| Papo | commit {m["papo_commit"]}{_commit_note(m)} |
| Pinning | {results["pinning"]}; both at `nice -10` |

## Method

- **One load generator for every server** (`bench/loadgen.js`, one Node process on core 1): a
  minimal Engine.IO 4 / Socket.IO 5 client on `ws` that connects straight to
  `/socket.io/?EIO=4&transport=websocket` with `auth {{token}}`, answers pings and emits
  `send_message` with an acknowledgement id; raw `ws` frames for the ws server. The send
  time rides inside the message text (`BNCH|run|step|sender|n|µs|…`), so the generator
  reads it back from `receive_message` (Papo: the message object's `message` field) without
  parsing JSON per delivery. Latency histogram in 0.05 ms buckets.
- **Servers** (each a fresh process for each section, pinned to core 0): Papo as `papo serve`
  runs it (gevent + gevent-websocket, one process) on SQLite and on PostgreSQL (PostgreSQL
  also pinned to core 0: server and database share one core); **Node socket.io 4**
  (`bench/servers/sio_server.js`: `send_message` → `receive_message` to the room with Papo's
  message shape, then the ack; no database); **raw Node ws** (`bench/servers/ws_server.js`:
  every frame re-sent to every client), the near-limit of one core.
- **Data:** 10,000 users seeded into each database through Papo's services
  (`bench/seed.py`), a bearer session each, all members of `general`; 1,000 messages of
  history. The 200 accounts the login benchmark signs in with have argon2id hashes at the
  shipped cost, the others the cheapest argon2id (`PAPO_PASSWORD_HASH=fast`, tests and
  bench only).
  Papo runs with `PAPO_MESSAGE_RATE`/`PAPO_MESSAGE_BURST`/`PAPO_LOGIN_FREE_ATTEMPTS` at
  1,000,000 so that limits do not bind.
- **Fan-out:** C receivers plus 10 senders in one room (the server writes to C+10 sockets;
  deliveries are counted at the C receivers). The senders share the offered rate, evenly
  phased, on a 2 ms catch-up timer; each message carries a fresh `client_id`. A step sends
  for {results["plan"]["send_s"]:.0f} s and waits up to {results["plan"]["drain_s"]:.0f} s for the rest.
  **Pass:** every delivery within the step's window, none duplicated, no disconnect, no
  error ack, p99 < 100 ms. The ladder ({", ".join(f"C={k}: {v}" for k, v in results["plan"]["ladders"].items())} msg/s)
  stops at the first failure and then tries the midpoint once; if its first rung fails it
  halves (three times at most). A delivery after its step's window is *late*; only one that never
  arrives before the end of the ladder is *lost*. The receivers use 100 accounts (C/100
  connections each), because Papo tells everyone when a user comes online (see Profile).
- **Idle connections:** N connections (50 connecting at a time, again over 100 accounts for
  Papo), held {results["plan"]["hold_s"]:.0f} s, then one broadcast from one more connection;
  RSS from `/proc/PID/status` VmRSS before connecting and after the hold.
- **REST:** Node `http` with keep-alive, N connections each issuing requests back to back for
  {results["plan"]["rest_s"]:.0f} s; GET with one user's bearer token.
- **Persistence:** 10 senders keep 5 `send_message` each in flight (closed loop) for
  {results["plan"]["commit_s"]:.0f} s; an ack means the row is committed.
- **CPU:** from `/proc/PID/stat` for the server, `process.cpuUsage()` for the generator, and
  `/proc/stat` per core. "Other CPU" is what something else used on that core during a step
  (PostgreSQL on core 0 for Papo on PostgreSQL; otherwise other jobs on the machine).
  {noise}

## Fan-out

{t.fanout_summary(results)}

A ratio is Papo's sustainable rate over Node socket.io's in this run. When a failing step
was generator-bound (generator CPU ≥ 90 %), that server's figure is a lower bound.

<details><summary>Every step</summary>

{t.fanout_steps(results)}

</details>

## Idle connections

{t.capacity_table(results)}

Connect storm: every connection a different user (Papo sends `presence` to everyone each time
a user comes online):

{t.storm_table(results)}

## REST

{t.rest_table(results)}

## Persistence

{t.persistence_table(results)}

Fan-out on each database is in the Fan-out table (Papo, SQLite / Papo, PostgreSQL 15).

## Profile

py-spy ({m["python_packages"].get("py-spy", "?")}, `record --nonblocking --rate 100`, idle samples
dropped, so shares are of busy CPU) on Papo with SQLite under fan-out at each C's
sustainable rate from the ladder above. Each sample is assigned to the innermost stage of
`send_message → validate → commit → broadcast` on its stack; speedscope files are kept
next to the run's JSON (open them at speedscope.app). py-spy's default blocking mode is not
used: in trial runs it stopped the process inside syscalls and over-weighted them (21 % of
the samples on a `getsockopt` call that costs about 0.6 µs).

### Top costs

{findings(f)}

### Where the samples fall

{t.profile_tables(results)}

## Diagnostics

{t.diagnostics_table(results)}

## Before and after: how Papo writes to WebSockets

The profile of the first runs put 72 % of busy CPU at C=1,000 in python-engineio's writer
greenlets, and the idle-connection figure (58.8 KiB each) on three greenlets and a queue per
connection. `src/papo/server/realtime/websocket.py` now frames each broadcast once, writes it
straight to each non-blocking socket (a backlog and a short-lived greenlet only for a client
whose kernel buffer is full; past `PAPO_CLIENT_BACKLOG_BYTES` that client is disconnected)
and sends every connection's pings from one greenlet. The “before” is the same Papo with the
library's writer (`bench/diag/serve.py`, `PAPO_BENCH_LIBRARY_WEBSOCKET=1`), measured in this
run:

{before_after(f)}

## Papo with several processes and Redis

`papo serve --workers 2` on one port (SO_REUSEPORT spreads the connections over the two
workers), with Flask-SocketIO's message queue and Papo's directory of live connections in a
fresh `redis-server`: the row “{t.LABELS[WORKERS]}” of the fan-out tables. Every emit is
published to Redis and delivered back by each worker's listener, so a message crosses
processes whichever worker its sender landed on. The workers and Redis share core 0 (the
generator has core 1): on this 2-core machine the figure is the **price of the Redis path**,
not a scale-out, which needs a core per worker. CPU and RSS are summed over the supervisor
and its workers. {redis_sentence(f)}

## Caveats

- One run, one machine: Python servers vary by tens of percent between runs here (GC pauses,
  WAL checkpoints, the noise of other jobs), so read brackets, not digits. The ladder steps
  are a factor of 2 apart; the real limit lies between the last pass and the first failure.
- The generator has one core. Near 130,000 deliveries/s it becomes the limit: steps where it
  was (generator CPU ≥ 90 %) are flagged, and the raw-ws and Node figures there are lower bounds.
- The receivers share 100 accounts, so that presence traffic stays out of the fan-out and
  idle figures; the connect storm measures it on its own.
- Papo's Socket.IO connect does database work (token lookup, room list), so its connect
  times include that; Node's references accept any token.
"""


def _commit_note(m: dict) -> str:
    start, end = m.get("server_source"), m.get("server_source_end")
    if not start:
        return ""
    if end and end != start:
        return (
            f"; server code digest {start} at the start, **{end} at the end: "
            "src/papo/server changed on disk during the run**"
        )
    return f"; server code digest {start} (unchanged during the run)"


def _noise(results: dict) -> str:
    others = [
        (s.get("other_core0"), s.get("other_core1"), run.get("target"))
        for run in results.get("fanout", [])
        for s in run.get("steps", [])
    ]
    core1 = [o[1] for o in others if o[1] is not None]
    core0 = [o[0] for o in others if o[0] is not None and o[2] != "papo-pg"]
    if not core1:
        return ""
    busy = sum(1 for v in core0 + core1 if v > 10)
    return (
        f"In this run other CPU was at most {max(core0, default=0):.0f} % on core 0 (PostgreSQL "
        f"excluded) and {max(core1):.0f} % on core 1; {busy} step readings were above 10 %."
    )
