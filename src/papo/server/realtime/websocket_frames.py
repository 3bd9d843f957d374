"""WebSocket frames for Engine.IO packets, built once per packet (a broadcast shares one)."""

from __future__ import annotations

import struct

from engineio import packet as eio_packet


def frame_of(pkt: eio_packet.Packet) -> bytes:
    """The WebSocket frame carrying `pkt`, built once per packet object."""
    frame: bytes | None = getattr(pkt, "papo_frame", None)
    if frame is None:
        data = pkt.encode()
        if isinstance(data, str):
            frame = websocket_frame(data.encode(), 0x1)
        else:
            frame = websocket_frame(bytes(data), 0x2)
        pkt.papo_frame = frame
    return frame


def websocket_frame(payload: bytes, opcode: int) -> bytes:
    """One final, unmasked frame (RFC 6455 §5.2: servers never mask)."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return header + payload
