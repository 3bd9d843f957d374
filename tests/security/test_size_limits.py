"""Size limits hold on a real server: a request body over PAPO_MAX_BODY_BYTES is a 413, a
Socket.IO packet over the same limit closes that one connection (a long-polling POST over it
is a 413 at once), and the server carries on."""

from __future__ import annotations

import json

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


def polling_session(server) -> str:
    """A long-polling Engine.IO session connected to Socket.IO: its URL."""
    base = f"{server.url}/socket.io/?EIO=4&transport=polling"
    sid = json.loads(requests.get(base, timeout=5).text[1:])["sid"]
    token = LiveApi(server.url).member().token
    requests.post(f"{base}&sid={sid}", data="40" + json.dumps({"token": token}), timeout=5)
    assert any(p.startswith("40") for p in polled(f"{base}&sid={sid}"))
    return f"{base}&sid={sid}"


def polled(url: str) -> list[str]:
    """The packets one poll of a long-polling session brings (presence events, answers)."""
    return requests.get(url, timeout=5).text.split("\x1e")


def assert_refused_and_closed(response: requests.Response, url: str, server_log: str) -> None:
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert requests.get(url, timeout=5).status_code == 400  # that session is gone
    closed = [line for line in server_log.splitlines() if "closing Engine.IO session" in line]
    assert len(closed) == 1 and closed[0].startswith("INFO:papo.server.realtime.guards:"), closed


def test_a_polling_packet_over_the_limit_is_refused_at_once(live_server):
    offset = len(live_server.log())
    url = polling_session(live_server)
    portuguese = {"Accept-Language": "pt-BR"}

    response = requests.post(url, data="4" + "x" * (LIMIT + 100), headers=portuguese, timeout=3)

    assert_refused_and_closed(response, url, live_server.log()[offset:])
    body = {"username": "someone", "password": "p" * (LIMIT + 10)}
    rest = requests.post(f"{live_server.url}/auth/login", json=body, headers=portuguese, timeout=5)
    assert response.json() == rest.json()  # the REST API's error, in the reader's language
    assert LiveApi(live_server.url).request("GET", "/health").status_code == 200
    again = polling_session(live_server)  # the transport still works
    assert requests.post(again, data='421["who_is_online",{}]', timeout=5).text == "OK"
    assert any(p.startswith('431[{"ok":true') for p in polled(again))


def test_a_chunked_polling_body_over_the_limit_is_refused_at_once(live_server):
    offset = len(live_server.log())
    url = polling_session(live_server)

    response = requests.post(url, data=chunks(2 * LIMIT), timeout=3)

    assert_refused_and_closed(response, url, live_server.log()[offset:])


def test_a_chunked_polling_body_under_the_limit_is_read(live_server):
    # python-engineio alone reads Content-Length bytes: it would drop a chunked body unread.
    url = polling_session(live_server)

    sent = requests.post(url, data=iter([b"421", b'["who_is_online",{}]']), timeout=5)

    assert sent.text == "OK"
    assert any(p.startswith('431[{"ok":true') for p in polled(url))
