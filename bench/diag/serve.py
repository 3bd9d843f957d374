"""Diagnostic only: `papo serve` with instruments the shipped server does not have.

Papo's code is untouched: this wrapper patches libraries before starting the server (and
serves with create_app's own switch for the library's WebSocket writer).
- PAPO_BENCH_GC_LOG=path append one line per garbage collection that took 1 ms or more:
                         "<unix time> <generation> <milliseconds>".
- PAPO_BENCH_LIBRARY_WEBSOCKET=1  serve WebSockets python-engineio's own way (a writer
                         and a pinger greenlet per connection), as Papo did before
                         src/papo/server/realtime/websocket.py: the "before" of the bench.
- PAPO_BENCH_TRACEMALLOC=path  on SIGUSR2 start tracing Python allocations; on SIGUSR1
                         write the 60 biggest sites of what is still allocated since then
                         (with 12 callers each) to path.
"""

import os
import sys
import time

from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402


def _gc_log(path: str) -> None:
    log = open(path, "a", buffering=1)  # noqa: SIM115  (open for the life of the process)
    started = [0.0]

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - started[0]) * 1000
        if took >= 1.0:
            log.write(f"{time.time():.3f} {info['generation']} {took:.2f}\n")

    gc.callbacks.append(watch)


def _tracemalloc(path: str) -> None:
    import signal
    import tracemalloc

    def dump(*_args) -> None:
        snapshot = tracemalloc.take_snapshot()
        with open(path, "w") as out:
            total = sum(stat.size for stat in snapshot.statistics("filename"))
            out.write(f"total traced {total / 1024:.0f} KiB\n")
            for stat in snapshot.statistics("traceback")[:60]:
                out.write(f"\n{stat.size / 1024:.1f} KiB in {stat.count} blocks\n")
                out.write("\n".join(stat.traceback.format(limit=12)) + "\n")

    signal.signal(signal.SIGUSR2, lambda *_args: tracemalloc.start(12))
    signal.signal(signal.SIGUSR1, dump)


def _trim_on_hup() -> None:
    import ctypes
    import signal

    libc = ctypes.CDLL("libc.so.6")

    def trim(*_args) -> None:
        gc.collect()
        libc.malloc_trim(0)

    signal.signal(signal.SIGHUP, trim)


def _serve_with_library_websocket() -> None:
    """`papo serve` (one process), with python-engineio's own WebSocket writer and pinger."""
    from papo.server import Config, create_app
    from papo.server.serving import serve

    config = Config.from_env(async_mode="gevent")
    serve(create_app(config, direct_websocket=False), config.host, config.port)


if __name__ == "__main__":
    if os.environ.get("PAPO_BENCH_TRIM") == "1":
        _trim_on_hup()
    if os.environ.get("PAPO_BENCH_TRACEMALLOC"):
        _tracemalloc(os.environ["PAPO_BENCH_TRACEMALLOC"])
    if os.environ.get("PAPO_BENCH_GC_LOG"):
        _gc_log(os.environ["PAPO_BENCH_GC_LOG"])
    if os.environ.get("PAPO_BENCH_LIBRARY_WEBSOCKET") == "1":
        _serve_with_library_websocket()
    else:
        from papo.commands import cli

        sys.argv = ["papo", "serve"]
        cli()
