"""Production serving: gevent's WSGI server with WebSocket support, one or several processes.

Several processes share one port through SO_REUSEPORT: the kernel spreads new connections
over them. Each WebSocket connection stays on the process that accepted it, so the
WebSocket transport needs no sticky sessions; HTTP long-polling does (see docs/deploy.md).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Collection
from typing import Any

log = logging.getLogger(__name__)
BACKLOG = 2048
RESTARTS_PER_MINUTE = 5
GC_YOUNG_THRESHOLD = 20_000  # allocations between young collections (Python's default: 700)


def listener(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """Return a listening TCP socket, shared with sibling processes when `reuse_port`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


def serve(app: Any, host: str, port: int, *, reuse_port: bool = False) -> None:
    """Serve `app` with gevent until the process is stopped."""
    import gevent
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    class Server(pywsgi.WSGIServer):
        def handle(self, sock: socket.socket, address: Any) -> None:
            # Small frames (acks, pushes) must leave now, not wait for the peer's delayed ACK.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().handle(sock, address)

    sock = listener(host, port, reuse_port=reuse_port)
    hub = app.extensions["papo.hub"]
    hub.start()
    server = Server(sock, app, handler_class=WebSocketHandler, log=None)

    def shut_down() -> None:
        server.stop_accepting()  # (close() would end serve_forever before the hub is done)
        try:
            with app.app_context():
                hub.shutdown()  # others learn at once who went offline
        finally:
            server.stop(timeout=1)

    gevent.signal_handler(signal.SIGTERM, lambda: gevent.spawn(shut_down))
    tune_gc()
    server.serve_forever()


def tune_gc() -> None:
    """Collect less often, and never rescan what start-up built.

    Every collection stops every greenlet; with thousands of connections alive, the
    default thresholds made full collections of 10–20 ms several times a second.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


def supervise(workers: int, argv: list[str], env: dict[str, str]) -> int:
    """Run `workers` copies of `argv` and restart any that dies, until SIGTERM or SIGINT."""
    children = {i: _spawn(argv, env) for i in range(workers)}
    restarts: list[float] = []
    stopping = False

    def stop(*_args: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        time.sleep(0.5)
        for i, child in list(children.items()):
            if child.poll() is None or stopping:
                continue
            restarts = [t for t in restarts if t > time.monotonic() - 60] + [time.monotonic()]
            if len(restarts) > RESTARTS_PER_MINUTE:
                log.error("workers keep dying; stopping")
                stopping = True
                break
            log.warning(
                "worker %d (pid %d) exited with %s; restarting", i, child.pid, child.returncode
            )
            children[i] = _spawn(argv, env)
    return _stop_all(children.values())


def _spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "papo.cli", *argv], env=env)  # noqa: S603


def _stop_all(children: Collection[subprocess.Popen[bytes]]) -> int:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


def worker_env(**extra: str) -> dict[str, str]:
    """The environment for worker processes."""
    return {**os.environ, **extra}
