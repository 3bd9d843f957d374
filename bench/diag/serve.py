"""Diagnostic only: `papo serve` with instruments the shipped server does not have.

Papo's code is untouched: this wrapper patches libraries before starting the server.
- PAPO_BENCH_NODELAY=1   set TCP_NODELAY on every accepted socket, to show how much of the
                         acknowledgement latency is Nagle's algorithm meeting delayed ACKs.
- PAPO_BENCH_GC_LOG=path append one line per garbage collection that took 1 ms or more:
                         "<unix time> <generation> <milliseconds>".
"""

import os
import sys
import time

from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402
import socket  # noqa: E402

from gevent import pywsgi  # noqa: E402


def _nodelay() -> None:
    handle = pywsgi.WSGIServer.handle

    def handle_nodelay(self, sock, address):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return handle(self, sock, address)

    pywsgi.WSGIServer.handle = handle_nodelay


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


if __name__ == "__main__":
    if os.environ.get("PAPO_BENCH_NODELAY") == "1":
        _nodelay()
    if os.environ.get("PAPO_BENCH_GC_LOG"):
        _gc_log(os.environ["PAPO_BENCH_GC_LOG"])
    from papo.commands import cli

    sys.argv = ["papo", "serve"]
    cli()
