"""What the OpenAPI document does not (yet) say about the API, found by fuzzing it.

The fuzzer holds the server to its document; the answers below are the only ones it tolerates
beyond what the document declares. Each is asserted by test_openapi_contract.py as a strict
expected failure, so that documenting it makes that test fail and this table shrink.
"""

from __future__ import annotations

# Every route that takes a JSON body can answer these; the document declares none of them.
BODY_STATUSES = {400: "malformed_json", 413: "payload_too_large", 415: "unsupported_media_type"}

# Conflicts the services raise that the route's responses do not list.
UNDOCUMENTED_CONFLICTS = {
    "POST /rooms/{room_id}/leave": "general_is_fixed",
    "DELETE /rooms/{room_id}": "general_is_fixed",
    "POST /rooms/{room_id}/members": "direct_is_fixed",
    "DELETE /rooms/{room_id}/members/{user_id}": "general_is_fixed",
}


def tolerated(label: str, has_body: bool) -> set[int]:
    """The statuses `label` may answer although its document does not declare them."""
    statuses = set(BODY_STATUSES) if has_body else set()
    if label in UNDOCUMENTED_CONFLICTS:
        statuses.add(409)
    return statuses
