"""Size limits hold on a real server: a request body over PAPO_MAX_BODY_BYTES is a 413, a
Socket.IO packet over the same limit closes that one connection, and the server carries on."""

from __future__ import annotations

import json

import pytest
import requests

from chat.clients import LiveApi

LIMIT = 64 * 1024  # PAPO_MAX_BODY_BYTES's default, which the shared live server keeps


def chunks(total: int, size: int = 8192):
    """A JSON body of about `total` bytes, sent chunked (no Content-Length)."""
    yield b'{"username": "someone", "password": "'
    for _ in range(total // size):
        yield b"p" * size
    yield b'"}'


def test_a_body_over_the_limit_is_413_and_the_server_carries_on(live_server, live_api):
    body = {"username": "someone", "password": "p" * (LIMIT + 10)}

    response = live_api.request("POST", "/auth/login", json=body)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert live_api.request("GET", "/health").status_code == 200


def post_chunked(server, total: int) -> requests.Response:
    """POST /auth/login with a chunked JSON body of about `total` bytes."""
    return requests.post(
        f"{server.url}/auth/login",
        data=chunks(total),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )


def test_a_chunked_body_under_the_limit_is_read(live_server):
    response = post_chunked(live_server, 1000)

    assert response.status_code == 401  # read, parsed and checked: just wrong credentials


def test_a_chunked_body_over_the_limit_is_413(live_server):
    response = post_chunked(live_server, 2 * LIMIT)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_socketio_packet_over_the_limit_closes_only_that_connection(
    live_server, live_api, live_client
):
    sender, bystander = live_api.member(), live_api.member()
    big = live_client(sender)
    other = live_client(bystander)

    big.sio.emit("send_message", {"message": "x" * (LIMIT + 100)})

    big.wait_for(lambda: not big.connected)
    assert other.call("who_is_online", {})["ok"] is True
    again = live_client(sender)
    sent = again.call("send_message", {"message": "small again"})
    assert sent["ok"] is True
    assert other.wait_for_event("receive_message")[-1]["message"] == "small again"


@pytest.mark.xfail(
    reason="server bug (python-engineio, polling transport): a long-polling POST over "
    "max_http_buffer_size raises ContentTooLongError, and Server.handle_request then calls "
    "disconnect(sid), which waits for the session's queue to drain: the request hangs until "
    "the ping timeout, and the session's next request is a 500 with a traceback (KeyError "
    "'Session is disconnected'). Papo's own clients use WebSocket only; mitigation in "
    "app._socketio_settings: transports=['websocket'] unless browsers that need polling are "
    "configured, or report upstream.",
    strict=True,
)
def test_a_polling_packet_over_the_limit_is_refused_at_once(shared_live_server):
    # Not the live_server fixture: the hung request may log its traceback after this test.
    live_server = shared_live_server
    base = f"{live_server.url}/socket.io/?EIO=4&transport=polling"
    opened = requests.get(base, timeout=5)
    sid = json.loads(opened.text[1:])["sid"]
    token = LiveApi(live_server.url).member().token
    requests.post(f"{base}&sid={sid}", data="40" + json.dumps({"token": token}), timeout=5)

    response = requests.post(f"{base}&sid={sid}", data="4" + "x" * (LIMIT + 100), timeout=3)

    assert 400 <= response.status_code < 500
    assert LiveApi(live_server.url).request("GET", "/health").status_code == 200
