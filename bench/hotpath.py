"""Profile Papo's hot path with py-spy under a fan-out load, and sum the profile up.

py-spy samples the server from outside (no change to Papo). Under gevent every greenlet runs
on the main thread, so each sample is the stack of whichever greenlet held the CPU; samples
of the idle hub are dropped (py-spy's default), so shares are shares of busy CPU time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from procs import BENCH, GENERATOR_CPU, ROOT, pinned

WRITER = "per-recipient writer greenlet (library) or backlog flush (direct writer)"
# py-spy's non-blocking mode sometimes reads a stack cut short (the greenlet moved on while it
# read): those samples have no stage frame, so they are placed by the library they are in.
FALLBACKS: list[tuple[str, tuple[str, ...]]] = [
    ("gevent hub loop (between greenlets)", ("gevent/hub.py:Hub.run",)),
    (WRITER, ("geventwebsocket/websocket.py:", "gevent/_socketcommon.py:")),
    ("SQLAlchemy, caller cut off in the sample", ("sqlalchemy/", "<sqlalchemy")),
]
OTHER = "other (JSON, timers, GC, cut-off stacks, …)"

# Stages of send_message → validate → commit → broadcast, named by frames (file:function as
# py-spy reports them). A sample belongs to the innermost stage on its stack: the broadcast
# runs inside the commit (after_commit hook), so its samples count as broadcast, not commit.
STAGES: list[tuple[str, set[str]]] = [
    (
        WRITER,
        {
            "engineio/socket.py:Socket._websocket_handler.<locals>.writer",
            "papo/server/realtime/websocket_writer.py:Writer._flush",
        },
    ),
    (
        "read + decode incoming frames",
        {
            "engineio/socket.py:Socket._websocket_handler",
            "papo/server/realtime/websocket.py:_read",
            "engineio/socket.py:Socket.receive",
            "socketio/server.py:Server._handle_eio_message",
        },
    ),
    (
        "Flask-SocketIO dispatch (app/request context, teardown)",
        {
            "flask_socketio/__init__.py:SocketIO._handle_event",
        },
    ),
    (
        "send_message handler: payload checks, rate limit",
        {
            "papo/server/realtime/events.py:send_message",
            "papo/server/realtime/events.py:acknowledged.<locals>.handler",
        },
    ),
    (
        "lookups: room + membership (+ user, client_id where done)",
        {
            "papo/server/services/rooms.py:find_for_writing",
            "papo/server/realtime/events.py:_user",
            "papo/server/realtime/events.py:_live_conn",
            "papo/server/services/rooms.py:find_visible",
            "papo/server/services/rooms.py:is_member",
            "papo/server/services/messages.py:_by_client_id",
        },
    ),
    (
        "insert: bump room counter, INSERT, UPDATE room",
        {
            "papo/server/services/messages.py:_insert",
        },
    ),
    ("commit (SQLAlchemy + driver)", {"sqlalchemy/orm/session.py:Session.commit"}),
    (
        "message → dict (messages.public, incl. any reload after commit)",
        {
            "papo/server/services/messages.py:public",
        },
    ),
    (
        "broadcast: encode and frame once, write to every recipient",
        {"papo/server/realtime/hub.py:Hub.emit_to_room"},
    ),
    ("acknowledgement: encode + queue", {"socketio/server.py:Server._send_packet"}),
    (
        "connect / disconnect / presence",
        {
            "papo/server/realtime/events.py:connect",
            "papo/server/realtime/events.py:disconnect",
        },
    ),
]
BROADCAST = "papo/server/realtime/hub.py:Hub.emit_to_room"
# Costs named by where their code lives (inclusive: a sample counts once if any frame matches).
PREFIX_CUTS: list[tuple[str, tuple[str, ...]]] = [
    ("SQLAlchemy building statements and cache keys (sqlalchemy/sql/)", ("sqlalchemy/sql/",)),
    (
        "SQLAlchemy ORM loading rows into objects (sqlalchemy/orm/loading.py)",
        ("sqlalchemy/orm/loading.py:",),
    ),
    (
        "database driver calls (execute / commit / fetch)",
        (
            "sqlalchemy/engine/default.py:DefaultDialect.do_execute",
            "sqlalchemy/engine/default.py:DefaultDialect.do_commit",
            "sqlalchemy/engine/cursor.py:CursorFetchStrategy.",
        ),
    ),
]
# Costs that cut across the stages, as inclusive shares.
CROSS_CUTS: list[tuple[str, set[str]]] = [
    (
        "socket writes: gevent sendall (getsockopt + send syscalls)",
        {
            "gevent/_socketcommon.py:SocketMixin.sendall",
        },
    ),
    (
        "getsockopt(SO_SNDBUF) that gevent issues before every sendall",
        {
            "gevent/_socketcommon.py:SocketMixin.getsockopt",
        },
    ),
    ("Engine.IO Socket.send: one queue.put per recipient", {"engineio/socket.py:Socket.send"}),
    (
        "direct writes: one non-blocking send() per recipient (Writer.write)",
        {"papo/server/realtime/websocket_writer.py:Writer.write"},
    ),
    (
        "SQLAlchemy (ORM + Core + driver), outside the broadcast",
        {
            "sqlalchemy/orm/session.py:Session.execute",
            "sqlalchemy/orm/session.py:Session.get",
            "sqlalchemy/orm/session.py:Session.flush",
            "sqlalchemy/orm/session.py:Session.commit",
            "sqlalchemy/orm/session.py:Session.scalar",
            "sqlalchemy/orm/session.py:Session.close",
            "sqlalchemy/orm/attributes.py:InstrumentedAttribute.__get__",
        },
    ),
    (
        "reloading attributes expired by the commit",
        {
            "sqlalchemy/orm/state.py:InstanceState._load_expired",
        },
    ),
]
# Single functions the report quotes (self and inclusive shares).
WATCH = (
    "gevent/_socketcommon.py:SocketMixin.send",
    "gevent/_socketcommon.py:SocketMixin.getsockopt",
    "engineio/socket.py:Socket.poll",
    "engineio/socket.py:Socket.send",
    "papo/server/realtime/websocket_writer.py:Writer.send",
    "papo/server/realtime/websocket_writer.py:Writer.write",
    "gevent/timeout.py:Timeout.__init__",
    "gevent/timeout.py:Timeout.start",
    "gevent/timeout.py:Timeout.start_new",
    "gevent/timeout.py:Timeout.cancel",
    "gevent/timeout.py:Timeout.close",
    "gevent/hub.py:Hub.run",
    "sqlalchemy/orm/state.py:InstanceState._load_expired",
    "papo/server/services/messages.py:public",
    "sqlalchemy/engine/default.py:DefaultDialect.do_execute",
    "sqlalchemy/engine/default.py:DefaultDialect.do_commit",
    "flask_socketio/__init__.py:SocketIO._handle_event",
)


def record(
    pid: int, config: dict, workdir: Path, ready: Path, out: Path, *, seconds: float
) -> dict:
    """Run the load in the background, record `seconds` of the server with py-spy, analyse."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    cfg_path = workdir / f"profile-{pid}.json"
    cfg_path.write_text(json.dumps({"hard_limit_s": 120, **config}))
    gen = subprocess.Popen(
        pinned(GENERATOR_CPU, ["node", str(BENCH / "loadgen.js"), str(cfg_path)]),
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and gen.poll() is None:
            time.sleep(0.1)
        time.sleep(1.0)  # past the first second of the step
        spy = subprocess.run(
            [
                py_spy,
                "record",
                "--pid",
                str(pid),
                "--rate",
                "100",
                "--duration",
                str(int(seconds)),
                "--format",
                "speedscope",
                "--output",
                str(out),
                "--nonblocking",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
        stdout, _ = gen.communicate(timeout=120)
    finally:
        if gen.poll() is None:
            gen.kill()
            gen.wait()
    if spy.returncode != 0 or not out.exists():
        return {"error": f"py-spy failed: {spy.stderr.strip()[-500:]}"}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    load = json.loads(lines[-1]) if lines else {}
    step = (load.get("steps") or [{}])[0]
    summary = analyse(out)
    summary["load"] = {
        k: step.get(k)
        for k in ("offered", "deliveries_per_s", "p50", "p99", "server_cpu", "gen_cpu", "pass")
    }
    summary["file"] = str(out.relative_to(ROOT))
    return summary


def _frame_key(frame: dict) -> str:
    path = frame.get("file") or ""
    for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{frame.get('name', '?')}"


def analyse(path: Path, top: int = 15) -> dict:
    """Sum a py-spy speedscope profile up: stage shares, top self and inclusive functions."""
    data = json.loads(path.read_text())
    frames = [_frame_key(f) for f in data["shared"]["frames"]]
    stages: Counter[str] = Counter()
    cuts: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            keys = [frames[i] for i in stack]  # root first
            total += weight
            if keys:
                own[keys[-1]] += weight
            unique = set(keys)
            for key in unique:
                inclusive[key] += weight
            for label, prefixes in PREFIX_CUTS:
                if any(key.startswith(prefixes) for key in unique):
                    cuts[label] += weight
            in_broadcast = BROADCAST in unique
            for label, wanted in CROSS_CUTS:
                if unique & wanted and not (label.startswith("SQLAlchemy") and in_broadcast):
                    cuts[label] += weight
            stages[_stage_of(keys)] += weight
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731
    return {
        "samples": len(data["profiles"][0]["samples"]) if data["profiles"] else 0,
        "stages": [{"stage": s, "pct": share(n)} for s, n in stages.most_common()],
        "cross_cuts": [{"cost": c, "pct": share(cuts[c])} for c, _ in [*CROSS_CUTS, *PREFIX_CUTS]],
        "self": [{"function": f, "pct": share(n)} for f, n in own.most_common(top)],
        "inclusive": [{"function": f, "pct": share(n)} for f, n in inclusive.most_common(top * 2)],
        "watch": {f: {"self": share(own[f]), "inclusive": share(inclusive[f])} for f in WATCH},
    }


def _stage_of(keys: list[str]) -> str:
    for key in reversed(keys):
        for label, wanted in STAGES:
            if key in wanted:
                return label
    for label, prefixes in FALLBACKS:
        if any(key.startswith(prefixes) for key in keys):
            return label
    return OTHER


if __name__ == "__main__":
    print(json.dumps(analyse(Path(sys.argv[1])), indent=1))
