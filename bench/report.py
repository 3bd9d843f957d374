"""Tables, docs/benchmarks.md and docs/bench-latency.png from one run's JSON.

.venv/bin/python bench/report.py bench/results/<timestamp>.json   # rewrite the docs
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "bench-latency.png"
REFERENCE = "node-sio"
ORDER = [
    "papo-sqlite",
    "papo-pg",
    "papo-2w-redis",
    "papo-library-ws",
    "papo-threading",
    "node-sio",
    "node-ws",
]
LABELS = {
    "papo-sqlite": "Papo, SQLite (1 process)",
    "papo-pg": "Papo, PostgreSQL 15 (1 process)",
    "papo-2w-redis": "Papo, SQLite, 2 processes + Redis (all on core 0)",
    "papo-threading": "Papo, SQLite, threading (Werkzeug)",
    "papo-library-ws": "Papo, SQLite, library WebSocket writer (before)",
    "node-sio": "Node socket.io 4 (reference)",
    "node-ws": "raw Node ws (near-limit)",
}


# ---------------------------------------------------------------------------- helpers


def _num(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    return f"{round(value):,}"


def _ms(value) -> str:
    return "–" if value is None else (f"{value:.1f}" if value < 100 else f"{value:,.0f}")


def _ratio(a, b) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.2f}×"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _sorted(items: list[dict]) -> list[dict]:
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(items, key=lambda r: (rank.get(r.get("target"), 99), r.get("receivers", 0)))


def _fanout(results: dict, target: str, receivers: int) -> dict | None:
    for run in results.get("fanout", []):
        if run.get("target") == target and run.get("receivers") == receivers:
            return run
    return None


def _step(run: dict | None, rate) -> dict | None:
    if not run or rate is None:
        return None
    for step in run.get("steps", []):
        if step.get("offered") == rate:
            return step
    return None


def _receivers(results: dict) -> list[int]:
    return sorted({r["receivers"] for r in results.get("fanout", []) if "receivers" in r})


# ---------------------------------------------------------------------------- tables


def fanout_summary(results: dict) -> str:
    """One row per server and C: the highest offered rate that passed, and its latency."""
    rows = []
    for receivers in _receivers(results):
        ref = _fanout(results, REFERENCE, receivers)
        for run in _sorted([r for r in results["fanout"] if r.get("receivers") == receivers]):
            if "error" in run:
                rows.append(
                    [
                        f"{receivers:,}",
                        LABELS.get(run["target"], run["target"]),
                        f"error: {run['error']}",
                    ]
                    + [""] * 6
                )
                continue
            best = _step(run, run.get("max_sustainable"))
            fail = _step(run, run.get("first_fail"))
            fail_text = (
                (
                    f"{_num(run['first_fail'])}: p99 {_ms(fail.get('p99'))}"
                    + (" (generator-bound)" if fail.get("gen_bound") else "")
                )
                if fail
                else "none in ladder"
            )
            rows.append(
                [
                    f"{receivers:,}",
                    LABELS.get(run["target"], run["target"]),
                    f"**{_num(run.get('max_sustainable'))}**" if best else "**none**",
                    _num(best.get("deliveries_per_s")) if best else "–",
                    " / ".join(_ms(best.get(k)) for k in ("p50", "p99", "max")) if best else "–",
                    _num(best.get("server_cpu")) + " %" if best else "–",
                    fail_text,
                    _ratio(run.get("max_sustainable"), ref.get("max_sustainable") if ref else None),
                ]
            )
    headers = [
        "C",
        "server",
        "max sustainable msg/s",
        "deliveries/s",
        "p50 / p99 / max ms",
        "server CPU",
        "first failing step [msg/s]",
        "× Node socket.io",
    ]
    return _table(headers, rows)


def fanout_steps(results: dict) -> str:
    """Every step of every ladder."""
    rows = []
    for run in _sorted(results.get("fanout", [])):
        for s in run.get("steps", []):
            rows.append(
                [
                    run["target"],
                    f"{run['receivers']:,}",
                    _num(s["offered"]),
                    _num(s["deliveries_per_s"]),
                    _ms(s["p50"]),
                    _ms(s["p99"]),
                    _ms(s["max"]),
                    _ms(s.get("ack_p50")),
                    _ms(s.get("ack_p99")),
                    _num(s["lost"]),
                    _num(s["duplicated"]),
                    _num(s.get("late")),
                    _num(s["server_cpu"]),
                    _num(s["gen_cpu"]),
                    f"{_num(s.get('other_core0'))} / {_num(s.get('other_core1'))}",
                    "yes" if s["pass"] else "NO",
                ]
            )
    headers = [
        "server",
        "C",
        "offered msg/s",
        "deliveries/s",
        "p50",
        "p99",
        "max",
        "ack p50",
        "ack p99",
        "lost",
        "dup",
        "late",
        "server CPU %",
        "gen CPU %",
        "other CPU % core0 / core1",
        "pass",
    ]
    return _table(headers, rows)


def capacity_table(results: dict) -> str:
    rows = []
    ref = {r["requested"]: r for r in results.get("capacity", []) if r.get("target") == REFERENCE}
    for r in _sorted(results.get("capacity", [])):
        if "error" in r:
            rows.append([r["target"], "", f"error: {r['error']}"] + [""] * 8)
            continue
        rows.append(
            [
                LABELS.get(r["target"], r["target"]),
                f"{r['requested']:,}",
                f"{r['connected']:,}",
                f"{r['connect_s']:.1f}",
                _num(r.get("dropped_in_hold")),
                f"{_num(r['probe_reached'])} in {_ms(r['probe_last_ms'])} ms",
                f"{r['rss_base_mb']} → {r['rss_held_mb']}",
                f"**{r['kib_per_conn']}**",
                _ratio(r["kib_per_conn"], ref.get(r["requested"], {}).get("kib_per_conn")),
                _num(r.get("threads")),
                _num(r.get("idle_cpu"), 1),
            ]
        )
    headers = [
        "server",
        "requested",
        "connected",
        "connect s",
        "dropped in hold",
        "one broadcast reached",
        "RSS MB base → held",
        "KiB / conn",
        "KiB/conn × Node socket.io",
        "threads",
        "idle CPU %",
    ]
    return _table(headers, rows)


def storm_table(results: dict) -> str:
    rows = [
        [
            f"{r['requested']:,}",
            f"{r['connected']:,}",
            f"{r['connect_s']:.1f}",
            f"{r['settle_s']:.1f}",
            _num(r.get("frames_while_connecting")),
            f"{r['kib_per_conn']}",
        ]
        for r in results.get("storm", [])
        if "error" not in r
    ]
    headers = [
        "distinct users",
        "connected",
        "connect s",
        "busy after, s",
        "event frames the clients received meanwhile",
        "KiB / conn",
    ]
    return _table(headers, rows)


def rest_table(results: dict) -> str:
    rows = []
    for r in _sorted(results.get("rest", [])):
        if "error" in r:
            rows.append([r.get("target"), r.get("name"), f"error: {r['error']}"] + [""] * 5)
            continue
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.get("statuses", {}).items()))
        rows.append(
            [
                LABELS.get(r["target"], r["target"]),
                r["name"],
                str(r["conns"]),
                f"**{_num(r['req_per_s'])}**",
                f"{_ms(r['p50'])} / {_ms(r['p99'])}",
                _num(r["server_cpu"]),
                _num(r["bytes_per_response"]),
                statuses + (f"; {r['errors']} errors" if r.get("errors") else ""),
            ]
        )
    headers = [
        "server",
        "request",
        "connections",
        "req/s",
        "p50 / p99 ms",
        "server CPU %",
        "bytes",
        "statuses",
    ]
    return _table(headers, rows)


def persistence_table(results: dict) -> str:
    rows = []
    for r in _sorted(results.get("persistence", [])):
        if "error" in r:
            rows.append([r.get("target"), "", f"error: {r['error']}", "", "", ""])
            continue
        rows.append(
            [
                LABELS.get(r["target"], r["target"]),
                r.get("note", ""),
                f"**{_num(r['commits_per_s'])}**",
                f"{_ms(r['p50'])} / {_ms(r['p99'])}",
                _num(r["server_cpu"]),
                _num(r.get("core0_cpu")),
                _num(r.get("errors")),
            ]
        )
    headers = [
        "server",
        "durability",
        "committed msg/s",
        "ack p50 / p99 ms",
        "Papo CPU %",
        "core 0 CPU % (incl. PostgreSQL)",
        "errors",
    ]
    return _table(headers, rows)


def profile_tables(results: dict) -> str:
    parts = []
    for receivers, prof in sorted(results.get("profile", {}).items(), key=lambda kv: int(kv[0])):
        if "error" in prof:
            parts.append(f"C={receivers}: {prof['error']}")
            continue
        load = prof.get("load", {})
        parts.append(
            f"**C={int(receivers):,} receivers, {prof['rate']} msg/s offered** "
            f"({_num(load.get('deliveries_per_s'))} deliveries/s, p99 {_ms(load.get('p99'))} ms, "
            f"server CPU {_num(load.get('server_cpu'))} %; {prof['samples']} samples, "
            f"`{prof['file']}`)\n"
        )
        stage_rows = [[s["stage"], f"{s['pct']:.1f}"] for s in prof["stages"]]
        parts.append(_table(["stage (innermost on the stack)", "% of busy samples"], stage_rows))
        cut_rows = [[c["cost"], f"{c['pct']:.1f}"] for c in prof["cross_cuts"]]
        parts.append("\n" + _table(["cost across stages", "% (inclusive)"], cut_rows))
        self_rows = [[f"`{f['function']}`", f"{f['pct']:.1f}"] for f in prof["self"][:10]]
        parts.append("\n" + _table(["function (self time)", "%"], self_rows) + "\n")
    return "\n".join(parts)


def diagnostics_table(results: dict) -> str:
    diag = results.get("diagnostics", {})
    rows = []
    if s := diag.get("as shipped"):  # one step
        rows.append(
            [
                "as shipped",
                _ms(s.get("ack_p50")),
                _ms(s.get("ack_p99")),
                _ms(s.get("p50")),
                _ms(s.get("p99")),
                _num(s.get("server_cpu")),
            ]
        )
    text = (
        _table(
            [
                "Papo (SQLite), C=100, 20 msg/s",
                "ack p50",
                "ack p99",
                "delivery p50",
                "delivery p99",
                "server CPU %",
            ],
            rows,
        )
        if rows
        else ""
    )
    gc = diag.get("gc")
    if gc:
        text += "\n\n" + _table(
            [
                "GC during a C=1,000 step",
                "collections ≥ 1 ms",
                "of them ≥ 10 ms",
                "longest ms",
                "total ms per s",
                "p99 of that step",
            ],
            [
                [
                    f"{gc['rate']} msg/s for {gc['seconds']} s",
                    _num(gc["count"]),
                    _num(gc["over_10ms"]),
                    _ms(gc["max_ms"]),
                    _ms(gc["ms_per_s"]),
                    _ms(gc.get("p99")),
                ]
            ],
        )
    return text


def refresh_profiles(results: dict) -> None:
    """Re-analyse the run's own speedscope files, so analysis fixes reach old runs."""
    import hotpath

    for prof in results.get("profile", {}).values():
        path = ROOT / prof.get("file", "")
        if prof.get("file") and path.exists():
            prof.update(hotpath.analyse(path))


def tables(results: dict) -> str:
    """Every table, for the terminal."""
    sections = [
        (
            "Fan-out: highest offered rate with p99 < 100 ms and nothing lost",
            fanout_summary(results),
        ),
        ("Fan-out: every step", fanout_steps(results)),
        ("Idle connections", capacity_table(results)),
        ("Connect storm (every connection a different user)", storm_table(results)),
        ("REST", rest_table(results)),
        ("Persistence: acknowledged (committed) messages per second", persistence_table(results)),
        ("Profile", profile_tables(results)),
        ("Diagnostics", diagnostics_table(results)),
    ]
    out = [f"\nPinning: {results.get('pinning')}"]
    for title, body in sections:
        out.append(f"\n## {title}\n\n{body}")
    return "\n".join(out)


# ---------------------------------------------------------------------------- plot


def plot(results: dict, path: Path = PLOT) -> None:
    """p99 latency against offered rate, one line per server, one panel per C."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = _receivers(results)
    fig, axes = plt.subplots(1, len(counts), figsize=(6 * len(counts), 4.5), squeeze=False)
    for ax, receivers in zip(axes[0], counts, strict=True):
        for run in _sorted([r for r in results["fanout"] if r.get("receivers") == receivers]):
            steps = sorted(run.get("steps", []), key=lambda s: s["offered"])
            if not steps:
                continue
            xs = [s["offered"] for s in steps]
            ys = [max(s["p99"] or 0.1, 0.1) for s in steps]
            ax.plot(xs, ys, marker="o", label=LABELS.get(run["target"], run["target"]))
            failed = [(x, y) for x, y, s in zip(xs, ys, steps, strict=True) if not s["pass"]]
            if failed:
                ax.scatter(
                    *zip(*failed, strict=True), s=90, facecolors="none", edgecolors="red", zorder=3
                )
        ax.axhline(100, color="grey", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        rates = sorted(
            {
                s["offered"]
                for r in results["fanout"]
                if r.get("receivers") == receivers
                for s in r.get("steps", [])
            }
        )
        ax.set_xticks(rates, [f"{x:,}" for x in rates], fontsize=7)
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(f"{receivers:,} receivers in one room, 10 senders")
        ax.set_xlabel("offered messages/s (deliveries/s = × receivers)")
        ax.set_ylabel("p99 end-to-end latency, ms")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(
        "p99 latency vs offered rate (red ring: step failed; dashed: 100 ms) — "
        f"run {results['timestamp']}",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------- docs


def write_docs(results: dict, json_path: Path) -> None:
    """Rewrite docs/benchmarks.md and docs/bench-latency.png from this run."""
    import docs

    plot(results)
    DOC.write_text(docs.render(results, json_path, tables_module=sys.modules[__name__]))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    source = Path(sys.argv[1])
    data = json.loads(source.read_text())
    refresh_profiles(data)
    source.write_text(json.dumps(data, indent=1))
    print(tables(data))
    write_docs(data, source)
