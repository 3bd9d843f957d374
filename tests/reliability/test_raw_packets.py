"""Malformed Socket.IO and Engine.IO packets, written straight onto a real WebSocket or posted
over long-polling: the server answers what it can; a packet python-socketio or python-engineio
cannot decode closes that one connection with one INFO line, "closing Engine.IO session
<sid>: ..." (no traceback); everyone else carries on."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
import requests
import socketio
import websocket

from chat.clients import LiveApi
from papo import libpatches
from papo.server import Config, create_app
from reliability.conftest import record_figure

ENGINE_IO = "/socket.io/?EIO=4&transport=websocket"
POLLING = "/socket.io/?EIO=4&transport=polling"
# What Papo logs when it ends a session (papo.server.realtime.guards, or the WebSocket transport).
CLOSING = re.compile(r"(\w+):papo\.[\w.]+:closing Engine\.IO session (\S+): (.*)")
PROBE, PROBE_ACK = '4299["who_is_online",{}]', "4399["  # a well-formed call and its answer


def attachment(num: object) -> tuple[str, bytes]:
    """A binary event whose placeholder points at attachment `num`, and one attachment."""
    return f'451-["who_is_online",{{"_placeholder":true,"num":{json.dumps(num)}}}]', b"\x00\x01"


# Answered or ignored: the connection stays up and answers the next call.
KEPT = [
    pytest.param('421["who_is_online",{}]', id="well-formed"),
    pytest.param('422[7,{"message":"x"}]', id="event name a number"),
    pytest.param("423[null]", id="event name null"),
    pytest.param('424["send_message"]', id="no payload"),
    pytest.param('425["send_message",{"message":"x"},1,2,3]', id="extra arguments"),
    pytest.param("42[]", id="no event name"),
    pytest.param("42null", id="event data null"),
    pytest.param('42{"a":1}', id="event data an object"),
    pytest.param('426[{"a":1}]', id="event name an object"),
    pytest.param('427[["x"]]', id="event name an array"),
    pytest.param("4", id="empty Engine.IO message"),
    pytest.param("6", id="stray Engine.IO noop"),
    pytest.param("3", id="unsolicited pong"),
    pytest.param("7", id="Engine.IO type 7"),
]
# Undecodable: the server closes that connection (and only that one).
CLOSED = [
    pytest.param("42garbage", id="not JSON"),
    pytest.param("42" + "[" * 3000 + "]" * 3000, id="nested 3000 deep"),
    pytest.param("4x", id="unknown Socket.IO type"),
    pytest.param("49", id="Socket.IO type 9"),
    pytest.param("44{}", id="CONNECT_ERROR from a client"),
    pytest.param("4/", id="namespace without a packet type"),
    # Binary events and attachments: refused before decoding (security/test_hostile_frames).
    pytest.param("zz", id="unknown Engine.IO type"),
    pytest.param("", id="empty frame"),
    pytest.param("bA", id="Engine.IO base64 not base64"),
    pytest.param("4" + "[" * 3000, id="Engine.IO message nested 3000 deep"),
    pytest.param("2" + "[" * 3000, id="Engine.IO ping nested 3000 deep"),
]


def open_socket(server, token: str) -> tuple[websocket.WebSocket, str]:
    """A raw Engine.IO WebSocket connected to Socket.IO's namespace with `token`, and its
    Engine.IO session id."""
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}{ENGINE_IO}", timeout=5)
    opened = ws.recv()
    assert opened.startswith("0{")
    ws.send("40" + json.dumps({"token": token}))
    deadline = time.monotonic() + 5
    while not ws.recv().startswith("40") and time.monotonic() < deadline:
        pass  # presence events may come first
    return ws, json.loads(opened[1:])["sid"]


def send(ws: websocket.WebSocket, frames: str | bytes | tuple) -> None:
    for frame in frames if isinstance(frames, tuple) else (frames,):
        if isinstance(frame, bytes):
            ws.send_binary(frame)
        else:
            ws.send(frame)


def read_until_closed(ws: websocket.WebSocket, timeout: float = 5) -> list[str]:
    """Every frame the server sends until it closes the WebSocket; fails if it does not."""
    frames: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            frame = ws.recv()
        except websocket.WebSocketConnectionClosedException:
            return frames
        except websocket.WebSocketTimeoutException:
            continue
        if frame == "":  # the close frame
            return frames
        frames.append(frame)
    raise AssertionError(f"the server kept the connection open; it sent {frames}")


def answers_probe(ws: websocket.WebSocket) -> bool:
    """Send a well-formed call; True when its acknowledgement comes back."""
    ws.send(PROBE)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if ws.recv().startswith(PROBE_ACK):
            return True
    return False


def closings(server, offset: int, *, wait_for: int = 0) -> list[tuple[str, str, str]]:
    """(level, session id, why) of each "closing Engine.IO session" line since `offset`,
    waiting up to 5 s for `wait_for` of them."""
    deadline = time.monotonic() + 5
    while True:
        found = [m.groups() for m in CLOSING.finditer(server.log()[offset:])]
        if len(found) >= wait_for or time.monotonic() > deadline:
            return found


def assert_closed_once(server, offset: int, sid: str, why: str) -> None:
    """Exactly one INFO line closed session `sid`, for a reason starting with `why`."""
    closings(server, offset, wait_for=1)
    time.sleep(0.2)  # nothing more follows
    found = closings(server, offset)
    assert [(level, closed) for level, closed, _why in found] == [("INFO", sid)], found
    assert found[0][2].startswith(why), found
    assert "Traceback" not in server.log()[offset:], server.log()[offset:][-3000:]


@pytest.fixture
def raw_api(shared_live_server) -> LiveApi:
    """Accounts on the shared server (its traceback check is this module's own)."""
    return LiveApi(shared_live_server.url)


@pytest.fixture
def bystander(shared_live_server, raw_api, live_client):
    """A well-behaved real client of the same server."""
    return live_client(raw_api.member(), server=shared_live_server)


@pytest.mark.parametrize("packet", KEPT)
def test_a_packet_the_server_can_read_is_answered_and_the_connection_stays(
    shared_live_server, raw_api, bystander, packet
):
    server = shared_live_server
    offset = len(server.log())
    ws, _sid = open_socket(server, raw_api.member().token)

    send(ws, packet)

    assert answers_probe(ws)
    assert bystander.call("who_is_online", {})["ok"] is True
    assert closings(server, offset) == []
    assert "Traceback" not in server.log()[offset:]
    ws.close()


@pytest.mark.parametrize("packet", CLOSED)
def test_an_undecodable_packet_closes_that_connection_with_one_log_line(
    shared_live_server, raw_api, bystander, packet
):
    server = shared_live_server
    offset = len(server.log())
    ws, sid = open_socket(server, raw_api.member().token)

    send(ws, packet)

    read_until_closed(ws)
    assert bystander.call("who_is_online", {})["ok"] is True
    assert_closed_once(server, offset, sid, "undecodable ")
    record_figure("raw packets tried", len(KEPT) + len(CLOSED))


# --- The same over long-polling ---------------------------------------------------------


def polling_session(server, token: str) -> tuple[str, str]:
    """A long-polling Engine.IO session connected to Socket.IO: its URL and id."""
    base = server.url + POLLING
    sid = json.loads(requests.get(base, timeout=5).text[1:])["sid"]
    url = f"{base}&sid={sid}"
    assert requests.post(url, data="40" + json.dumps({"token": token}), timeout=5).text == "OK"
    return url, sid


def polling_closed(url: str) -> bool:
    """True when the session's next polls end in Engine.IO's CLOSE or a refusal."""
    for _ in range(3):
        polled = requests.get(url, timeout=5)
        if polled.status_code == 400 or polled.text.split("\x1e")[-1] == "1":
            return True
    return False


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"zz", id="unknown Engine.IO type"),
        pytest.param(b"\xff\xfe", id="not UTF-8"),
        pytest.param("\x1e".join(["3"] * 17).encode(), id="17 packets"),
        pytest.param(b"6", id="Engine.IO noop (the library would hang on it)"),
        pytest.param(b"2", id="Engine.IO ping from a client"),
        pytest.param(b"d=", id="JSONP body without data"),
    ],
)
def test_an_undecodable_polling_body_is_a_400_at_once(shared_live_server, raw_api, body):
    server = shared_live_server
    offset = len(server.log())
    url, sid = polling_session(server, raw_api.member().token)

    response = requests.post(url, data=body, timeout=3)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert polling_closed(url)
    assert_closed_once(server, offset, sid, "")
    assert LiveApi(server.url).request("GET", "/health").status_code == 200


def test_an_undecodable_socketio_packet_over_polling_closes_the_session(
    shared_live_server, raw_api
):
    server = shared_live_server
    offset = len(server.log())
    url, sid = polling_session(server, raw_api.member().token)

    assert requests.post(url, data="42garbage", timeout=3).text == "OK"  # decoded after

    assert polling_closed(url)
    assert_closed_once(server, offset, sid, "undecodable Socket.IO packet")


def test_a_client_upgrading_from_polling_to_websocket_is_unaffected(shared_live_server, raw_api):
    client = socketio.Client(reconnection=False, handle_sigint=False)
    client.connect(shared_live_server.url, auth={"token": raw_api.member().token}, wait_timeout=5)
    try:
        assert client.transport() == "websocket"
        assert client.call("who_is_online", {}, timeout=5)["ok"] is True
    finally:
        client.disconnect()


def test_an_undecodable_packet_during_the_upgrade_closes_the_session(shared_live_server, raw_api):
    server = shared_live_server
    offset = len(server.log())
    url, sid = polling_session(server, raw_api.member().token)
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}{ENGINE_IO}&sid={sid}", timeout=5
    )

    ws.send("zz")  # instead of "2probe"

    read_until_closed(ws)
    assert polling_closed(url)
    assert_closed_once(server, offset, sid, "undecodable Engine.IO packet")


# --- The guard itself -------------------------------------------------------------------


def guarded_server() -> socketio.Server:
    server = socketio.Server(async_mode="threading", async_handlers=False)
    libpatches.guard_transport(server)
    return server


def test_a_handler_failure_is_not_taken_for_a_bad_packet(caplog):
    server = guarded_server()

    @server.on("boom")
    def boom(sid, data):
        raise ValueError("a bug in a handler")

    on_message = server.eio.handlers["message"]
    server._handle_eio_connect("e1", {})
    on_message("e1", "0")  # Socket.IO packets: the Engine.IO "4" is gone
    with pytest.raises(ValueError, match="a bug in a handler"):
        on_message("e1", '2["boom",{}]')  # escapes, to be logged with its traceback
    caplog.set_level(logging.INFO, logger="papo.server.realtime.guards")
    on_message("e1", "2garbage")
    logged = [r for r in caplog.records if r.name == "papo.server.realtime.guards"]
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in logged] == [
        ("INFO", "closing Engine.IO session e1: undecodable Socket.IO packet")
    ]
    assert logged[0].exc_info is None


@pytest.mark.parametrize("library", ["python-engineio", "python-socketio"])
def test_the_server_refuses_to_start_on_library_versions_the_guards_do_not_know(
    monkeypatch, tmp_path, library
):
    installed = libpatches.SERVER_LIBRARIES[library]
    monkeypatch.setitem(libpatches.SERVER_LIBRARIES, library, "4.0.0")  # what they were made for
    config = Config.from_env(environ={}, instance_dir=tmp_path, auto_migrate=False)

    with pytest.raises(libpatches.UnsupportedLibrary) as refused:
        create_app(config)

    assert f"{library} {installed} is installed" in str(refused.value)
    assert f"tested on {library} 4.0.0 only" in str(refused.value)
