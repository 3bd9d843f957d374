"""How the server writes to WebSocket clients (src/papo/server/realtime/websocket*.py): the
frames gevent-websocket would write, pings from one shared pinger, and a client that stops
reading cut off once its backlog passes PAPO_CLIENT_BACKLOG_BYTES, while everyone else
carries on."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket
from engineio import packet as eio_packet
from geventwebsocket.websocket import Header

from chat.clients import LiveApi, open_raw
from papo.server.realtime.websocket_frames import frame_of, websocket_frame
from support.live_server import LiveServer

BACKLOG = 64 * 1024
# A message of 4000 "€" is about 24 KB on the wire (JSON escapes each as \u20ac).
BIG_TEXT = "€" * 4000


# --- frames -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
@pytest.mark.parametrize("opcode", [0x1, 0x2], ids=["text", "binary"])
def test_frames_are_the_ones_gevent_websocket_writes(size, opcode):
    payload = bytes(range(256)) * (size // 256) + b"x" * (size % 256)

    expected = Header.encode_header(True, opcode, b"", size, 0) + payload
    assert websocket_frame(payload, opcode) == expected


def test_a_packet_shared_by_a_broadcast_is_framed_once():
    pkt = eio_packet.Packet(eio_packet.MESSAGE, '2["receive_message",{"message":"olá"}]')

    first = frame_of(pkt)

    assert frame_of(pkt) is first
    assert first == websocket_frame('42["receive_message",{"message":"olá"}]'.encode(), 0x1)


def test_binary_packets_travel_as_binary_frames():
    pkt = eio_packet.Packet(eio_packet.MESSAGE, b"\x00\x01")

    assert frame_of(pkt) == bytes([0x82, 2, 0, 1])


# --- a live server with short pings and a small backlog ----------------------------------


@pytest.fixture(scope="module")
def tight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    instance: Path = tmp_path_factory.mktemp("tight")
    env = {
        "DATABASE_URL": f"sqlite:///{instance / 'papo.sqlite3'}",
        "PAPO_PING_INTERVAL": "1",
        "PAPO_CLIENT_BACKLOG_BYTES": str(BACKLOG),
        "PAPO_MESSAGE_RATE": "1000",
        "PAPO_MESSAGE_BURST": "1000",
    }
    server = LiveServer(instance, env=env).start()
    yield server
    server.stop()
    assert "Traceback" not in server.log()


@pytest.fixture
def tight_api(tight_server: LiveServer) -> LiveApi:
    return LiveApi(tight_server.url)


def test_every_connection_is_pinged_at_the_interval_and_stays_up(tight_server, tight_api):
    sockets = [open_raw(tight_server.port, tight_api.member().token, timeout=5) for _ in range(3)]
    started = time.monotonic()

    assert {opened["pingInterval"] for _, opened in sockets} == {1000}
    pings = {id(ws): 0 for ws, _ in sockets}
    while min(pings.values()) < 3 and time.monotonic() - started < 10:
        for ws, _ in sockets:
            ws.settimeout(0.05)
            try:
                frame = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            if frame == "2":
                pings[id(ws)] += 1
                ws.send("3")

    assert min(pings.values()) >= 3
    ws, _ = sockets[0]
    ws.settimeout(5)
    ws.send('421["who_is_online",{}]')
    while not (answer := ws.recv()).startswith("431"):
        pass
    assert json.loads(answer[3:])[0]["ok"] is True
    for ws, _ in sockets:
        ws.close()


def test_a_client_that_stops_reading_is_cut_off_and_the_others_get_everything(
    tight_server, tight_api, live_client
):
    stalled_account, sender_account, bystander_account = (tight_api.member() for _ in range(3))
    small_buffer = ((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),)
    stalled, _ = open_raw(tight_server.port, stalled_account.token, timeout=5, sockopt=small_buffer)
    sender = live_client(sender_account, server=tight_server)
    bystander = live_client(bystander_account, server=tight_server)
    offset = len(tight_server.log())

    sent = 0
    while "client too slow" not in tight_server.log()[offset:] and sent < 2000:
        assert sender.call("send_message", {"message": BIG_TEXT})["ok"] is True
        sent += 1

    assert "client too slow" in tight_server.log()[offset:]
    bystander.wait_for(lambda: len(bystander.received("receive_message")) >= sent, timeout=30)
    assert len(bystander.received("receive_message")) == sent
    stalled.settimeout(10)
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
        while True:  # what the kernel still held, then the end
            if stalled.recv() == "":
                raise websocket.WebSocketConnectionClosedException("closed")
    again, _ = open_raw(tight_server.port, stalled_account.token, timeout=5)  # it may come back
    again.close()
