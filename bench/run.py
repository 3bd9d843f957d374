"""`make bench`: Papo against Node socket.io and raw ws, measured in one run on this machine.

    .venv/bin/python bench/run.py [--quick] [--conns 1000,5000[,10000]] [--no-pg] [--no-profile]
                                  [--only fanout,capacity,...] [--no-docs]

Servers run pinned to core 0, the one load generator (bench/loadgen.js) to core 1. Prints
tables, writes bench/results/<timestamp>.json, docs/benchmarks.md and docs/bench-latency.png.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import broker
import hotpath
import machine
import pg
import report
import seed
from procs import BENCH, ROOT, Server, free_port, run_loadgen

SENDERS = 10
USERS = 10_000
SEEDED_MESSAGES = 1_000
RECEIVER_USERS = 100  # fan-out and idle receivers share 100 accounts; see docs/benchmarks.md
P99_LIMIT_MS = 100
PASSWORD = seed.PASSWORD
PHASES = ("fanout", "capacity", "storm", "rest", "profile", "diagnostics")


@dataclass
class Plan:
    """What one run measures; --quick shrinks it for trying the bench itself out."""

    fanout_receivers: tuple[int, ...] = (100, 1000)
    ladders: dict[int, list[int]] = field(
        default_factory=lambda: {100: [100, 200, 400, 800, 1600], 1000: [5, 10, 20, 40, 80, 160]}
    )
    send_s: float = 5
    drain_s: float = 3
    connections: tuple[int, ...] = (1000, 5000, 10000)
    workers: int = 2
    storm: tuple[int, ...] = (500, 1000)
    hold_s: float = 5
    rest_s: float = 5
    commit_s: float = 5
    postgres: bool = True
    profile: bool = True
    profile_s: float = 8


def _plan(args: argparse.Namespace) -> Plan:
    plan = Plan(postgres=not args.no_pg and pg.available(), profile=not args.no_profile)
    if args.quick:
        plan.ladders = {100: [100, 400], 1000: [10, 40]}
        plan.send_s, plan.connections, plan.storm = 3, (1000,), (500,)
        plan.hold_s, plan.rest_s, plan.commit_s, plan.profile_s = 2, 3, 3, 4
    if args.conns:
        plan.connections = tuple(int(n) for n in args.conns.split(","))
    return plan


# ---------------------------------------------------------------------------- targets


def threading_variant(target: Target) -> Target:
    """The same Papo on the same data, served by threading (Werkzeug) instead of gevent."""
    env = {**target.env, "PAPO_ASYNC_MODE": "threading"}
    return replace(target, name="papo-threading", label="Papo, SQLite, threading", env=env)


def library_websocket_variant(target: Target) -> Target:
    """The same Papo with python-engineio's own WebSocket writer: the "before" of this run."""
    return replace(
        target,
        name="papo-library-ws",
        label="Papo, SQLite, library WebSocket writer (before)",
        argv=[sys.executable, str(BENCH / "diag" / "serve.py")],
        env={**target.env, "PAPO_BENCH_LIBRARY_WEBSOCKET": "1"},
        variant=True,
    )


def workers_variant(target: Target, workers: int) -> Target:
    """The same Papo on the same data as `papo serve --workers N`, meeting in a fresh Redis.

    The workers share the server core with Redis: on this 2-core machine the figure is the
    price of the Redis path (every emit goes through Redis and back), not a scale-out.
    """
    return replace(
        target,
        name=f"papo-{workers}w-redis",
        label=f"Papo, SQLite, {workers} processes + Redis",
        argv=[*target.argv, "--workers", str(workers)],
        redis=True,
        variant=True,
    )


@dataclass
class Target:
    """A server under test: how to start it and how the generator reaches it."""

    name: str
    label: str
    kind: str  # 'sio' or 'ws'
    argv: list[str]
    env: dict = field(default_factory=dict)
    health: str = "/"
    path: str = "/socket.io/?EIO=4&transport=websocket"
    tokens_file: str | None = None
    room: int | None = None
    papo: bool = False
    redis: bool = False  # started with a fresh redis-server of its own (REDIS_URL)
    variant: bool = False  # a variant of Papo on SQLite, compared in the fan-out only

    @contextmanager
    def serve(self, workdir: Path):
        """Start a fresh process of this server; stop it by PID afterwards."""
        port = free_port()
        argv = [part.replace("{port}", str(port)) for part in self.argv]
        env = {key: value.replace("{port}", str(port)) for key, value in self.env.items()}
        with ExitStack() as stack:
            if self.redis:
                env["REDIS_URL"] = stack.enter_context(broker.redis_server())
            server = Server(self.name, argv, port=port, workdir=workdir, env=env)
            stack.enter_context(server)
            server.start(self.health)
            yield server

    def loadgen(self, server: Server, **config) -> dict:
        """The generator's settings for this target."""
        base = {
            "target": self.name,
            "kind": self.kind,
            "url": f"ws://127.0.0.1:{server.port}{self.path}",
            "server_pid": server.pid,
            "room": self.room,
        }
        if self.tokens_file:
            base["tokens_file"] = self.tokens_file
        return {**base, **config}


def node_targets() -> list[Target]:
    """The references: Node socket.io with Papo's events, and a raw ws broadcast server."""
    sio = Target(
        "node-sio",
        "Node socket.io 4 (reference)",
        "sio",
        ["node", str(BENCH / "servers" / "sio_server.js"), "{port}"],
    )
    ws = Target(
        "node-ws",
        "raw Node ws (near-limit)",
        "ws",
        ["node", str(BENCH / "servers" / "ws_server.js"), "{port}"],
        path="/",
    )
    return [sio, ws]


def papo_target(
    name: str,
    label: str,
    *,
    database_url: str,
    instance: Path,
    room: int,
    tokens_file: str,
    secret_key: str,
) -> Target:
    """Papo as `papo serve` runs it (gevent + gevent-websocket), one process."""
    env = {
        "DATABASE_URL": database_url,
        "PAPO_INSTANCE_DIR": str(instance),
        "SECRET_KEY": secret_key,
        "PAPO_HOST": "127.0.0.1",
        "PAPO_PORT": "{port}",
        "PAPO_ASYNC_MODE": "gevent",
        "PAPO_MESSAGE_RATE": "1000000",
        "PAPO_MESSAGE_BURST": "1000000",
        "PAPO_LOGIN_FREE_ATTEMPTS": "1000000",
        "PAPO_OPEN_SIGNUP": "1",
        "PAPO_LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
    }
    argv = [sys.executable, "-m", "papo.cli", "serve"]
    return Target(
        name,
        label,
        "sio",
        argv,
        env=env,
        health="/health",
        tokens_file=tokens_file,
        room=room,
        papo=True,
    )


# ---------------------------------------------------------------------------- phases


class Run:
    """One benchmark run: its plan, scratch folder, results and timings."""

    def __init__(self, plan: Plan, workdir: Path) -> None:
        self.plan = plan
        self.workdir = workdir
        self.results: dict = {
            "fanout": [],
            "capacity": [],
            "storm": [],
            "rest": [],
            "persistence": [],
            "profile": {},
            "diagnostics": {},
            "phases": {},
        }
        self.secret_key = secrets.token_urlsafe(48)
        self.started = time.monotonic()

    @contextmanager
    def phase(self, name: str):
        """Time a phase and say so."""
        t0 = time.monotonic()
        print(f"\n=== {name} (at {t0 - self.started:.0f} s) ===", flush=True)
        try:
            yield
        finally:
            self.results["phases"][name] = round(time.monotonic() - t0, 1)

    def seed_papo(self, name: str, database_url: str | None) -> Target:
        """Seed a fresh database for a Papo target and describe the target."""
        instance = self.workdir / name
        instance.mkdir()
        url = database_url or f"sqlite:///{instance / 'papo.sqlite3'}"
        t0 = time.monotonic()
        seeded = seed.seed(
            database_url=url,
            instance_dir=instance,
            users=USERS,
            messages=SEEDED_MESSAGES,
            secret_key=self.secret_key,
        )
        print(
            f"seeded {name}: {USERS} users, {SEEDED_MESSAGES} messages in "
            f"{time.monotonic() - t0:.1f} s"
        )
        tokens_file = instance / "tokens.json"
        tokens_file.write_text(json.dumps(seeded.tokens))
        self.usernames = seeded.usernames
        label = "Papo, SQLite" if name == "papo-sqlite" else "Papo, PostgreSQL 15"
        return papo_target(
            name,
            label,
            database_url=url,
            instance=instance,
            room=seeded.room_id,
            tokens_file=str(tokens_file),
            secret_key=self.secret_key,
        )

    def pool_tokens(self, target: Target) -> str:
        """A tokens file for the idle connections: senders' accounts first, then the pool."""
        tokens = json.loads(Path(target.tokens_file).read_text())
        path = Path(target.tokens_file).with_name("pool.json")
        path.write_text(json.dumps(tokens[SENDERS + 1000 : SENDERS + 1000 + RECEIVER_USERS]))
        return str(path)

    # -- fan-out and persistence

    def fanout(self, target: Target, server: Server, settle=None) -> None:
        """Stepped offered rate with C receivers in one room, for each C (`settle()` first)."""
        for receivers in self.plan.fanout_receivers:
            if settle is not None:
                settle()
            config = target.loadgen(
                server,
                mode="fanout",
                senders=SENDERS,
                receivers=receivers,
                receiver_pool=RECEIVER_USERS,
                ladder=self.plan.ladders[receivers],
                send_s=self.plan.send_s,
                drain_s=self.plan.drain_s,
                p99_limit_ms=P99_LIMIT_MS,
                refine=True,
                warmup_s=1,
                max_total_s=150,
                final_drain_s=5,
            )
            result = run_loadgen(config, self.workdir, timeout=240)
            result.update(target=target.name, label=target.label)
            self.results["fanout"].append(result)

    def persistence(self, target: Target, server: Server, note: str = "") -> None:
        """Acknowledged (committed) messages per second, closed loop, no receivers."""
        config = target.loadgen(
            server, mode="commit", senders=SENDERS, window=5, duration_s=self.plan.commit_s
        )
        result = run_loadgen(config, self.workdir, timeout=60)
        result.update(target=target.name, label=target.label, note=note)
        self.results["persistence"].append(result)

    def fanout_phase(self, targets: list[Target], cluster: pg.Cluster | None) -> None:
        for target in targets:
            with self.phase(f"fan-out {target.name}"), target.serve(self.workdir) as server:
                self.fanout(target, server, self._settle(target, cluster))
                if target.papo and not target.variant:
                    self.persistence(
                        target,
                        server,
                        "synchronous_commit=on"
                        if target.name == "papo-pg"
                        else "WAL, synchronous=NORMAL",
                    )
                if target.name == "papo-pg" and cluster is not None:
                    cluster.psql("ALTER SYSTEM SET synchronous_commit = off")
                    cluster.psql("SELECT pg_reload_conf()")
                    time.sleep(0.5)
                    self.persistence(target, server, "synchronous_commit=off")
                    cluster.psql("ALTER SYSTEM RESET synchronous_commit")
                    cluster.psql("SELECT pg_reload_conf()")

    @staticmethod
    def _settle(target: Target, cluster: pg.Cluster | None):
        """For PostgreSQL: write the last ladder's WAL out now (CHECKPOINT) and let the core
        go quiet, so that the next ladder does not meet a checkpoint of the previous one's
        overload (in trial runs it cost C=1,000 on PostgreSQL 200–370 ms stalls: 1 msg/s
        instead of 40 measured alone)."""
        if target.name != "papo-pg" or cluster is None:
            return None

        def settle() -> None:
            cluster.psql("CHECKPOINT")
            wait_for_quiet(limit_s=15)

        return settle

    # -- idle connections

    def capacity_phase(self, targets: list[Target], before: Target | None = None) -> None:
        for count in self.plan.connections:
            largest = count == max(self.plan.connections)
            for target in targets + ([before] if before and largest else []):
                with (
                    self.phase(f"idle {count} {target.name}"),
                    target.serve(self.workdir) as server,
                ):
                    extra = {"tokens_file": self.pool_tokens(target)} if target.papo else {}
                    config = target.loadgen(
                        server,
                        mode="capacity",
                        connections=count,
                        hold_s=self.plan.hold_s,
                        connect_timeout_s=20,
                        **extra,
                    )
                    result = run_loadgen(config, self.workdir, timeout=180)
                    result.update(
                        target=target.name,
                        label=target.label,
                        users=RECEIVER_USERS if target.papo else None,
                    )
                    self.results["capacity"].append(result)

    def storm_phase(self, target: Target) -> None:
        """Connect N distinct users: each first connection tells everyone (presence)."""
        for count in self.plan.storm:
            with (
                self.phase(f"connect storm {count} {target.name}"),
                target.serve(self.workdir) as server,
            ):
                config = target.loadgen(
                    server, mode="capacity", connections=count, hold_s=1, connect_timeout_s=60
                )
                result = run_loadgen(config, self.workdir, timeout=240)
                result.update(target=target.name, label=target.label, users=count)
                self.results["storm"].append(result)

    # -- REST

    def rest_phase(self, targets: list[Target]) -> None:
        for target in targets:
            with self.phase(f"REST {target.name}"), target.serve(self.workdir) as server:
                token = json.loads(Path(target.tokens_file).read_text())[0]
                auth = {"Authorization": f"Bearer {token}"}
                base = {
                    "mode": "rest",
                    "target": target.name,
                    "url": f"http://127.0.0.1:{server.port}",
                    "server_pid": server.pid,
                    "duration_s": self.plan.rest_s,
                }
                cases = [
                    {
                        "name": "GET /users (page of 50 of 10,000)",
                        "path": "/users?page=1&per_page=50",
                        "headers": auth,
                        "conns": 50,
                    },
                    {
                        "name": f"GET /rooms/{target.room}/messages (50 newest)",
                        "path": f"/rooms/{target.room}/messages",
                        "headers": auth,
                        "conns": 50,
                    },
                ]
                if target.name == "papo-sqlite":
                    cases.append(
                        {
                            "name": "GET /users, 1 connection (latency floor)",
                            "path": "/users?page=1&per_page=50",
                            "headers": auth,
                            "conns": 1,
                        }
                    )
                    bodies = [
                        {"username": name, "password": PASSWORD}
                        for name in self.usernames[: seed.LOGIN_USERS]
                    ]
                    cases.append(
                        {
                            "name": "POST /auth/login (argon2id)",
                            "path": "/auth/login",
                            "method": "POST",
                            "bodies": bodies,
                            "conns": 4,
                        }
                    )
                for case in cases:
                    result = run_loadgen({**base, **case}, self.workdir, timeout=60)
                    result.update(target=target.name, label=target.label)
                    self.results["rest"].append(result)

    # -- profile and diagnostics

    def profile_phase(self, target: Target) -> None:
        """py-spy on Papo under a fan-out load at each C, near the sustainable rate."""
        for receivers in self.plan.fanout_receivers:
            rate = self._profile_rate(target.name, receivers)
            with self.phase(f"profile C={receivers}"), target.serve(self.workdir) as server:
                ready = self.workdir / f"ready-{receivers}"
                config = target.loadgen(
                    server,
                    mode="fanout",
                    senders=SENDERS,
                    receivers=receivers,
                    receiver_pool=RECEIVER_USERS,
                    ladder=[rate],
                    send_s=self.plan.profile_s + 3,
                    drain_s=3,
                    p99_limit_ms=P99_LIMIT_MS,
                    refine=False,
                    warmup_s=1,
                    walk_down=False,
                    ready_file=str(ready),
                )
                out = BENCH / "results" / f"{self.stamp}-profile-c{receivers}.speedscope.json"
                result = hotpath.record(
                    server.pid, config, self.workdir, ready, out, seconds=self.plan.profile_s
                )
                result.update(receivers=receivers, rate=rate)
                self.results["profile"][str(receivers)] = result

    def _profile_rate(self, target: str, receivers: int) -> int:
        for run in self.results["fanout"]:
            same = run.get("target") == target and run.get("receivers") == receivers
            if same and run.get("max_sustainable"):
                return run["max_sustainable"]
        return self.plan.ladders[receivers][0]

    def diagnostics_phase(self, target: Target) -> None:
        """Checks of the profile's suspects: latency as shipped (serving sets TCP_NODELAY), and
        GC pauses through a wrapper that leaves Papo as is."""
        launcher = [sys.executable, str(BENCH / "diag" / "serve.py")]
        token = json.loads(Path(target.tokens_file).read_text())[0]
        shipped = self._variant(target, target.argv, {})
        with self.phase("diagnostic: as shipped"), shipped.serve(self.workdir) as server:
            config = shipped.loadgen(server, **self._one_step(100, 20, self.plan.send_s))
            result = run_loadgen(config, self.workdir, timeout=90)
            self.results["diagnostics"]["as shipped"] = (result.get("steps") or [{}])[0]
            rest = {
                "mode": "rest",
                "target": target.name,
                "name": "GET /users, 1 connection",
                "url": f"http://127.0.0.1:{server.port}",
                "server_pid": server.pid,
                "path": "/users?page=1&per_page=50",
                "conns": 1,
                "duration_s": 3,
                "headers": {"Authorization": f"Bearer {token}"},
            }
            self.results["diagnostics"]["rest_shipped"] = run_loadgen(
                rest, self.workdir, timeout=30
            )
        gc_log = self.workdir / "gc.log"
        rate = self._profile_rate(target.name, 1000)
        variant = self._variant(target, launcher, {"PAPO_BENCH_GC_LOG": str(gc_log)})
        with self.phase("diagnostic: GC pauses"), variant.serve(self.workdir) as server:
            ready = self.workdir / "ready-gc"
            config = variant.loadgen(
                server, **self._one_step(1000, rate, self.plan.send_s), ready_file=str(ready)
            )
            result = run_loadgen(config, self.workdir, timeout=120)
        if ready.exists() and gc_log.exists():
            start = int(ready.read_text()) / 1000
            pauses = [
                float(line.split()[2])
                for line in gc_log.read_text().splitlines()
                if start <= float(line.split()[0]) <= start + self.plan.send_s
            ]
            step = (result.get("steps") or [{}])[0]
            self.results["diagnostics"]["gc"] = {
                "rate": rate,
                "seconds": self.plan.send_s,
                "count": len(pauses),
                "over_10ms": sum(p >= 10 for p in pauses),
                "max_ms": max(pauses, default=0),
                "ms_per_s": round(sum(pauses) / self.plan.send_s, 1),
                "p99": step.get("p99"),
                "p50": step.get("p50"),
                "server_cpu": step.get("server_cpu"),
            }

    @staticmethod
    def _variant(target: Target, argv: list[str], env: dict) -> Target:
        return Target(
            target.name,
            target.label,
            "sio",
            argv,
            env={**target.env, **env},
            health="/health",
            tokens_file=target.tokens_file,
            room=target.room,
            papo=True,
        )

    def _one_step(self, receivers: int, rate: int, seconds: float) -> dict:
        return {
            "mode": "fanout",
            "senders": SENDERS,
            "receivers": receivers,
            "receiver_pool": RECEIVER_USERS,
            "ladder": [rate],
            "send_s": seconds,
            "drain_s": 3,
            "p99_limit_ms": P99_LIMIT_MS,
            "refine": False,
            "warmup_s": 1,
            "walk_down": False,
        }


# ---------------------------------------------------------------------------- main


def wait_for_quiet(limit_s: float = 45, threshold: float = 15.0) -> list[float]:
    """Wait (bounded) until both cores are nearly idle; return the last per-core busy %."""

    def sample() -> list[tuple[int, int]]:
        lines = Path("/proc/stat").read_text().splitlines()
        out = []
        for line in lines:
            if line.startswith("cpu") and line[3].isdigit():
                v = [int(x) for x in line.split()[1:]]
                out.append((sum(v) - v[3] - v[4], sum(v)))
        return out

    deadline = time.monotonic() + limit_s
    while True:
        a = sample()
        time.sleep(2)
        b = sample()
        busy = [
            round(100 * (b2 - b1) / max(1, t2 - t1), 1)
            for (b1, t1), (b2, t2) in zip(a, b, strict=True)
        ]
        if max(busy) < threshold or time.monotonic() > deadline:
            return busy
        print(f"machine busy ({busy} % per core): waiting for other jobs to finish…", flush=True)


def raise_file_limit(wanted: int = 65536) -> int:
    """Raise this process's (and its children's) open-file limit as far as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short ladders, for trying the bench")
    parser.add_argument("--conns", help="idle connection counts, e.g. 1000,5000,10000")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-profile", action="store_true", help="skip py-spy")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=45,
        metavar="SECONDS",
        help="wait up to this long for other jobs to leave the cores idle",
    )
    parser.add_argument("--only", help=f"comma-separated phases to run, of: {','.join(PHASES)}")
    parser.add_argument(
        "--threading",
        action="store_true",
        help="also run Papo under threading (Werkzeug) in the fan-out, to compare serving modes",
    )
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C: every server started here is stopped by its PID.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = _plan(args)
    nofile = raise_file_limit()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (BENCH / "results").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="papo-bench-"))
    run = Run(plan, workdir)
    run.stamp = stamp
    run.results.update(
        timestamp=stamp,
        plan=plan.__dict__ | {"ladders": {str(k): v for k, v in plan.ladders.items()}},
        machine=machine.describe(nofile),
        quick=args.quick,
        command=" ".join(["bench/run.py", *sys.argv[1:]]),
        pinning="servers (and PostgreSQL) on core 0 (taskset -c 0); "
        "load generator on core 1 (taskset -c 1)",
    )
    print(f"Papo bench {stamp}: {run.results['pinning']}; open files {nofile}")
    run.results["busy_at_start"] = wait_for_quiet(args.wait_quiet)
    try:
        with ExitStack() as stack:
            cluster = stack.enter_context(pg.cluster()) if plan.postgres else None
            run.results["machine"]["postgresql"] = cluster.version if cluster else None
            with run.phase("seed"):
                sqlite = run.seed_papo("papo-sqlite", None)
                papo = [sqlite]
                if cluster is not None:
                    papo.append(run.seed_papo("papo-pg", cluster.create_database("papo_bench")))
            refs = node_targets()
            before = library_websocket_variant(sqlite)
            modes = [before]
            if broker.available():
                modes.append(workers_variant(sqlite, plan.workers))
            if args.threading:
                modes.append(threading_variant(sqlite))
            wanted = set(args.only.split(",")) if args.only else set(PHASES)
            if "fanout" in wanted:
                run.fanout_phase(refs + papo + modes, cluster)
            if "capacity" in wanted:
                run.capacity_phase([sqlite, *refs], before=before)
            if "storm" in wanted:
                run.storm_phase(sqlite)
            if "rest" in wanted:
                run.rest_phase(papo)
            if plan.profile and "profile" in wanted:
                run.profile_phase(sqlite)
            if plan.profile and "diagnostics" in wanted:
                run.diagnostics_phase(sqlite)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    run.results["wall_s"] = round(time.monotonic() - run.started, 1)
    run.results["machine"]["server_source_end"] = machine.server_source_digest()
    out = BENCH / "results" / f"{stamp}.json"
    out.write_text(json.dumps(run.results, indent=1))
    print(report.tables(run.results))
    print(f"\nresults: {out.relative_to(ROOT)}")
    if not args.no_docs and not args.only:
        report.write_docs(run.results, out)
        print("wrote docs/benchmarks.md and docs/bench-latency.png")
    print(f"bench wall time {run.results['wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
