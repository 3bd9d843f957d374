"""src/papo/libpatches.py holds every patch of library internals: it pins the versions uv.lock
pins, refuses to start on others, and nothing else in src/papo reaches into those libraries."""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from pathlib import Path

import engineio
import gevent
import pytest
import socketio
from engineio import packet as eio_packet
from engineio import socket as eio_socket

from papo import cli, libpatches
from papo.client import __main__ as client_main
from papo.server import Config, create_app

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "papo"
# Names of library internals Papo patches: only libpatches.py may spell them.
LIBRARY_INTERNALS = (
    "._handle_event",
    "._handle_eio_message",
    "_send_packet",
    "_send_ping",
    "schedule_ping =",
    "_websocket_handler",
    "._async",
    "._sock",
    "_cors_allowed_origins",
    "_reconnect_abort",
    ".handle_request =",
    ".raw_write =",
)


def locked_versions() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def papo_sources() -> list[Path]:
    return [path for path in SOURCE.rglob("*.py") if path.name != "libpatches.py"]


# --- the versions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "supported",
    [libpatches.SERVER_LIBRARIES, libpatches.CLIENT_LIBRARIES],
    ids=["server", "client"],
)
def test_the_supported_versions_are_the_ones_uv_lock_pins(supported):
    locked = locked_versions()

    assert {name: locked.get(name) for name in supported} == supported


def test_the_installed_libraries_are_the_supported_ones():
    libpatches.check_server()
    libpatches.check_client()


def test_another_version_is_refused_in_one_paragraph_saying_how_to_fix_it(monkeypatch):
    monkeypatch.setitem(libpatches.SERVER_LIBRARIES, "gevent-websocket", "0.9.0")

    with pytest.raises(libpatches.UnsupportedLibrary) as refused:
        libpatches.check_server()

    message = str(refused.value)
    assert "gevent-websocket 0.10.1 is installed" in message
    assert "tested on gevent-websocket 0.9.0 only" in message
    assert "`make install`" in message and "`uv sync --frozen`" in message
    assert "\n" not in message


def test_a_library_that_is_not_installed_is_refused(monkeypatch):
    monkeypatch.setitem(libpatches.SERVER_LIBRARIES, "papo-no-such-library", "1.0")

    with pytest.raises(
        libpatches.UnsupportedLibrary, match="papo-no-such-library is not installed"
    ):
        libpatches.check_server()


def test_create_app_refuses_before_doing_anything(monkeypatch, tmp_path):
    monkeypatch.setitem(libpatches.SERVER_LIBRARIES, "python-engineio", "4.11.0")
    config = Config.from_env(environ={}, instance_dir=tmp_path / "instance", auto_migrate=True)

    with pytest.raises(libpatches.UnsupportedLibrary, match="python-engineio"):
        create_app(config)

    assert not (tmp_path / "instance" / "papo.sqlite3").exists()


def test_the_papo_command_prints_the_refusal_without_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setitem(libpatches.SERVER_LIBRARIES, "python-socketio", "5.11.0")
    monkeypatch.setenv("PAPO_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["papo", "db", "upgrade"])

    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert str(exited.value.code).startswith("Papo cannot start: python-socketio 5.18.1 is")


def test_the_client_refuses_before_opening_a_window(monkeypatch):
    monkeypatch.setitem(libpatches.CLIENT_LIBRARIES, "python-socketio", "5.11.0")

    with pytest.raises(SystemExit) as exited:
        client_main.main()

    assert "tested on python-socketio 5.11.0 only" in str(exited.value.code)


# --- nothing else reaches in ------------------------------------------------------------


@pytest.mark.parametrize("name", LIBRARY_INTERNALS)
def test_only_libpatches_names_library_internals(name):
    spelled = [str(p.relative_to(ROOT)) for p in papo_sources() if name in p.read_text()]

    assert spelled == []


def test_no_module_but_libpatches_reads_a_private_attribute_of_another_object():
    found = []
    for path in papo_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and _private(node.attr) and not _own(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")

    assert found == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"  # (gettext)


def _own(value: ast.expr) -> bool:
    """self._x, cls._x, super()._x: our own classes' names, or an override's parent."""
    if isinstance(value, ast.Name):
        return value.id in ("self", "cls")
    return isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super"


def test_libpatches_imports_no_library_at_import_time():
    tree = ast.parse((SOURCE / "libpatches.py").read_text())
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]

    modules = {
        alias.name for node in top_level if isinstance(node, ast.Import) for alias in node.names
    }
    modules |= {node.module for node in top_level if isinstance(node, ast.ImportFrom)}
    assert modules <= {"__future__", "time", "collections.abc", "importlib", "typing"}


# --- the unknown-event answer ------------------------------------------------------------


@pytest.mark.parametrize("packet", ["27[7]", '28["*",{}]'], ids=["name a number", "name *"])
def test_an_event_without_a_usable_name_is_answered_with_the_given_body(packet):
    server = socketio.Server(async_mode="threading", async_handlers=False)
    libpatches.answer_unknown_events(server, lambda sid: {"ok": False, "to": sid})
    sock = server.eio.sockets["e1"] = eio_socket.Socket(server.eio, "e1")
    server._handle_eio_connect("e1", {})
    server.eio.handlers["message"]("e1", "0")  # connect to "/"
    sock.queue.get_nowait()  # its CONNECT answer

    server.eio.handlers["message"]("e1", packet)

    ack = sock.queue.get_nowait().data
    assert ack[:2] == "3" + packet[1]  # ACK with the event's id
    assert json.loads(ack[2:]) == [{"ok": False, "to": server.manager.sid_from_eio_sid("e1", "/")}]


# --- the pings ---------------------------------------------------------------------------


def test_a_patched_server_sends_its_pings_from_one_greenlet_and_patches_nothing_process_wide():
    library_schedule_ping = eio_socket.Socket.schedule_ping
    eio = engineio.Server(async_mode="gevent", ping_interval=0.01)
    pinger = libpatches.serve_websockets_directly(eio, max_backlog=64 * 1024)
    sockets = [eio_socket.Socket(eio, f"s{i}") for i in range(3)]

    spawned = [eio.start_background_task(sock._send_ping) for sock in sockets]
    for _turn in range(1000):
        if not any(sock.queue.empty() for sock in sockets):
            break
        gevent.sleep(0.01)  # the pinger's turn
    pinger.task.kill()

    assert spawned == [None, None, None]  # no greenlet per ping
    sent = [sock.queue.get_nowait() for sock in sockets]
    assert [pkt.packet_type for pkt in sent] == [eio_packet.PING] * 3
    assert all(sock.last_ping for sock in sockets)
    assert eio_socket.Socket.schedule_ping is library_schedule_ping
    other = engineio.Server(async_mode="gevent")
    assert other.start_background_task(gevent.sleep, 0) is not None  # others: the library's


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "library writer"])
def test_create_app_leaves_websockets_and_pings_to_the_library_when_asked(tmp_path, direct):
    config = Config.from_env(
        environ={}, instance_dir=tmp_path, async_mode="gevent", auto_migrate=False, testing=True
    )
    eio = create_app(config, direct_websocket=direct).extensions["socketio"].server.eio
    sock = eio_socket.Socket(eio, "s1")

    task = eio.start_background_task(sock._send_ping)

    assert (task is None) is direct  # else the library's greenlet, sleeping until its ping
    if task is not None:
        task.kill()
