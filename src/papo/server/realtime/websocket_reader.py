"""Reads a directly served WebSocket's frames, refusing a hostile frame by its header.

gevent-websocket reads a whole frame, and a message's continuation frames, into memory
before anyone can check their size, unmasks them byte by byte in Python (~10 ms per
64 KiB), accepts unmasked client frames, and never yields while the socket has data: one
client could freeze every other and grow the server's memory (docs/security.md, Hostile
WebSocket frames). Here, instead:

- a data frame is refused by the length its header announces, before its payload is read,
  and so is a fragment that takes its message past the limit (close 1009);
- an unmasked frame, reserved bits, a bad control frame or opcode is refused (close 1002,
  RFC 6455 §5.1, §5.2, §5.5); text that is not UTF-8 too (1007);
- a payload is unmasked with one big-integer XOR, not a loop over its bytes;
- the reader yields after every frame, and a connection's inbound bytes pass a token
  bucket: past a burst it is slowed to `RATE` bytes a second, and closed (1008) once it has
  been slowed for `PATIENCE` seconds in a row.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable

import gevent

from .websocket_frames import websocket_frame

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

RATE = 1024 * 1024  # inbound bytes a second a connection may keep up, after its burst
BURST = 4 * 1024 * 1024  # what a connection may send at once before it is slowed
PATIENCE = 5.0  # seconds slowed in a row before the connection is closed
# What a frame costs beyond its payload: a flood of tiny frames costs per frame, not per byte.
FRAME_COST = 64


class Refused(Exception):
    """The client broke the protocol or a limit: close the connection with `code`."""

    def __init__(self, code: int, why: str) -> None:
        super().__init__(why)
        self.code = code


class ClientClosed(Exception):
    """The connection ended: a close frame, or the end of the stream."""


class Bucket:
    """A connection's inbound allowance: `burst` bytes at once, then `rate` a second."""

    __slots__ = ("burst", "patience", "rate", "slowed", "stamp", "tokens")

    def __init__(
        self, rate: float = RATE, burst: float = BURST, patience: float = PATIENCE
    ) -> None:
        self.rate, self.burst, self.patience = rate, burst, patience
        self.tokens = burst
        self.stamp = time.monotonic()
        # Seconds this connection has been made to wait since it last had half its burst.
        self.slowed = 0.0

    def take(self, size: int) -> None:
        """Spend `size` bytes: wait until they are earned, or refuse a persistent flood."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= self.burst / 2:  # it paused long enough: forgiven
            self.slowed = 0.0
        self.tokens -= size
        if self.tokens >= 0:
            return
        if self.slowed > self.patience:
            raise Refused(1008, f"over {self.rate:.0f} bytes a second for {self.patience}s")
        gevent.sleep(-self.tokens / self.rate)  # not reading meanwhile: TCP slows the client
        self.slowed += time.monotonic() - now


def unmask(payload: bytes, mask: bytes) -> bytes:
    """`payload` XOR the repeated 4-byte `mask`, as one integer operation."""
    size = len(payload)
    key = (mask * (size // 4 + 1))[:size]
    value = int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")
    return value.to_bytes(size, "little")


class FrameReader:
    """Reads one connection's messages; control frames are answered through `write`."""

    __slots__ = ("bucket", "limit", "read", "write")

    def __init__(
        self,
        read: Callable[[int], bytes],
        write: Callable[[bytes], None],
        limit: int,
        bucket: Bucket | None = None,
    ) -> None:
        self.read, self.write, self.limit = read, write, limit
        self.bucket = bucket or Bucket()

    def message(self) -> str | bytes:
        """The next text or binary message (raises `ClientClosed` or `Refused`)."""
        opcode: int | None = None
        parts: list[bytes] = []
        size = 0
        while True:
            fin, op, payload = self._frame(self.limit - size)
            if op == PING:
                self.write(websocket_frame(payload, PONG))
                continue
            if op == PONG:
                continue
            if op == CLOSE:
                self.write(websocket_frame(payload[:2], CLOSE))  # echo the code, as RFC 6455 asks
                raise ClientClosed()
            if (op == CONTINUATION) != (opcode is not None):
                raise Refused(1002, f"frame of opcode {op} out of place")
            opcode = opcode if opcode is not None else op
            parts.append(payload)
            size += len(payload)
            if fin:
                break
        data = b"".join(parts)
        if opcode == BINARY:
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(1007, "text frame not UTF-8") from None

    def _frame(self, room: int) -> tuple[bool, int, bytes]:
        """One frame's FIN bit, opcode and unmasked payload; a data frame at most `room`."""
        first, second = self._exactly(2)
        fin, op, length = bool(first & 0x80), first & 0x0F, second & 0x7F
        if first & 0x70:
            raise Refused(1002, "reserved bits set")
        if not second & 0x80:
            raise Refused(1002, "unmasked client frame")
        if op in (CLOSE, PING, PONG):
            if not fin or length > 125:
                raise Refused(1002, "fragmented or long control frame")
        elif op not in (CONTINUATION, TEXT, BINARY):
            raise Refused(1002, f"unknown opcode {op}")
        elif length == 126:
            length = struct.unpack("!H", self._exactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._exactly(8))[0]
        if op < CLOSE and length > room:
            raise Refused(1009, f"message over {self.limit} bytes")
        mask = self._exactly(4)
        self.bucket.take(length + FRAME_COST)
        payload = unmask(self._exactly(length), mask) if length else b""
        gevent.sleep(0)  # one connection's frames never hold up everyone else
        return fin, op, payload

    def _exactly(self, size: int) -> bytes:
        data = self.read(size)
        if len(data) != size:
            raise ClientClosed()
        return data
