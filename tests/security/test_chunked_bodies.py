"""A chunked request body is recognised whatever the case of its Transfer-Encoding header
(header values are case-insensitive): over PAPO_MAX_BODY_BYTES it is a 413, like any other."""

from __future__ import annotations

import json
import socket

import pytest

LIMIT = 64 * 1024  # PAPO_MAX_BODY_BYTES's default, which the shared live server keeps


def chunked_login(port: int, coding: str, total: int) -> tuple[int, dict]:
    """POST /auth/login over a raw socket with a chunked JSON body of about `total` bytes,
    `Transfer-Encoding: <coding>`; return the status and the JSON answer."""
    body = json.dumps({"username": "someone", "password": "p" * total}).encode()
    head = (
        "POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Transfer-Encoding: {coding}\r\nConnection: close\r\n\r\n"
    ).encode()
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part)
        for part in (body[i : i + 8192] for i in range(0, len(body), 8192))
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + chunks + b"0\r\n\r\n")
        answer = b""
        while data := sock.recv(65536):
            answer += data
    status_line, _, rest = answer.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in headers.lower():
        payload = dechunk(payload)
    return int(status_line.split()[1]), json.loads(payload)


def dechunk(data: bytes) -> bytes:
    """The body of a chunked answer."""
    out = b""
    while True:
        size, _, data = data.partition(b"\r\n")
        length = int(size, 16)
        if not length:
            return out
        out, data = out + data[:length], data[length + 2 :]


@pytest.mark.parametrize("coding", ["chunked", "Chunked", "CHUNKED"])
def test_a_chunked_body_over_the_limit_is_413_whatever_the_case(live_server, coding):
    status, answer = chunked_login(live_server.port, coding, 2 * LIMIT)

    assert (status, answer["error"]["code"]) == (413, "payload_too_large")


@pytest.mark.parametrize("coding", ["chunked", "Chunked"])
def test_a_chunked_body_under_the_limit_is_read_whatever_the_case(live_server, coding):
    status, answer = chunked_login(live_server.port, coding, 1000)

    assert (status, answer["error"]["code"]) == (401, "invalid_credentials")
