"""What the OpenAPI document does not (yet) say about the API, found by fuzzing it.

The fuzzer holds the server to its document; the answers listed here are the only ones it
tolerates beyond what the document declares. None are left: the body errors, the room
conflicts and the 503 of a database outage are declared (api/openapi.py, api/rooms.py) and
test_openapi_contract.py checks each against a real answer. A gap found later goes here,
"METHOD /path" -> statuses, with a strict expected failure in test_openapi_contract.py that
starts passing (and so fails) once the document declares it.
"""

from __future__ import annotations

UNDOCUMENTED: dict[str, frozenset[int]] = {}


def tolerated(label: str) -> frozenset[int]:
    """The statuses `label` may answer although its document does not declare them."""
    return UNDOCUMENTED.get(label, frozenset())
