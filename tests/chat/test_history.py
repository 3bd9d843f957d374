"""GET /rooms/<id>/messages: newest first, `before` to scroll back, `after` to catch up."""

import json

import pytest

from chat.clients import history
from support.errors import error_of


def ids(found):
    return [m["id"] for m in found]


def test_the_history_is_newest_first(client, fill, member, general):
    stored = fill(member, general, 5)

    assert ids(history(client, member, general)) == stored[::-1]


def test_the_history_holds_50_messages_by_default(client, fill, member, general):
    stored = fill(member, general, 51)

    assert ids(history(client, member, general)) == stored[:0:-1]


def test_before_scrolls_back_newest_first(client, fill, member, general):
    stored = fill(member, general, 10)

    found = history(client, member, general, before=stored[6], limit=3)

    assert ids(found) == [stored[5], stored[4], stored[3]]


def test_after_catches_up_oldest_first(client, fill, member, general):
    stored = fill(member, general, 10)

    found = history(client, member, general, after=stored[3], limit=3)

    assert ids(found) == [stored[4], stored[5], stored[6]]


def test_after_zero_starts_from_the_first_message(client, fill, member, general):
    stored = fill(member, general, 3)

    assert ids(history(client, member, general, after=0)) == stored


def test_after_the_newest_message_is_empty(client, fill, member, general):
    stored = fill(member, general, 3)

    assert history(client, member, general, after=stored[-1]) == []


def test_a_limit_of_200_is_honoured(client, fill, member, general):
    stored = fill(member, general, 201)

    assert ids(history(client, member, general, limit=200)) == stored[:0:-1]


def test_the_history_holds_only_that_rooms_messages(client, fill, member, general, new_room):
    room = new_room(member)
    fill(member, general, 2)
    mine = fill(member, room["id"], 2)

    assert ids(history(client, member, room["id"])) == mine[::-1]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": -1},
        {"limit": "ten"},
        {"limit": 1.5},
        {"before": 0},
        {"before": 2**31},
        {"after": -1},
        {"after": 2**31},
        {"after": "x"},
    ],
    ids=lambda q: json.dumps(q),
)
def test_out_of_bounds_paging_is_422(client, member, general, query):
    response = client.get(f"/rooms/{general}/messages", headers=member.headers, query_string=query)

    error_of(response, 422, "validation_error")


@pytest.mark.parametrize(
    "query",
    [{"limit": "²"}, {"after": "٣"}, {"before": "1" * 5000}],
    ids=["superscript-2", "arabic-indic-3", "5000-digits"],
)
def test_digits_other_than_ascii_in_paging_are_422(client, member, general, query):
    response = client.get(f"/rooms/{general}/messages", headers=member.headers, query_string=query)

    error_of(response, 422, "validation_error")


def test_a_public_room_history_is_readable_by_non_members(client, fill, member, bob, new_room):
    room = new_room(member)
    stored = fill(member, room["id"], 2)

    assert ids(history(client, bob, room["id"])) == stored[::-1]


def test_a_private_room_history_is_404_for_non_members(client, member, bob, new_room):
    secret = new_room(member, private=True)

    response = client.get(f"/rooms/{secret['id']}/messages", headers=bob.headers)

    error_of(response, 404, "room_not_found")


def test_the_history_needs_a_token(client, general):
    error_of(client.get(f"/rooms/{general}/messages"), 401, "token_missing")


# --- POST /rooms/<id>/messages: the REST twin of send_message ----------------------------


def test_a_message_posted_over_rest_is_broadcast_and_stored(connect, client, member, bob, general):
    bobs = connect(bob)

    response = client.post(
        f"/rooms/{general}/messages", json={"message": " via rest "}, headers=member.headers
    )

    assert response.status_code == 201
    posted = response.get_json()
    assert posted.pop("duplicate") is False  # the answer says so; the message is the same
    assert posted["message"] == "via rest"
    assert bobs.received("receive_message") == [posted]
    assert history(client, member, general) == [posted]


@pytest.mark.parametrize(
    "body",
    [{}, {"message": ""}, {"message": "   "}, {"message": "x" * 4001}, {"message": "hi", "x": 1}],
    ids=["missing", "empty", "blank", "4001", "unknown-field"],
)
def test_an_invalid_rest_post_is_422(client, member, general, body):
    response = client.post(f"/rooms/{general}/messages", json=body, headers=member.headers)

    error_of(response, 422, "validation_error")


@pytest.mark.parametrize(
    "raw", ['{"message": "a\\ud800b"}', '{"message": "a\\u0000b"}'], ids=["surrogate", "nul"]
)
def test_a_rest_post_of_text_no_database_can_store_is_422(client, member, general, raw):
    response = client.post(
        f"/rooms/{general}/messages",
        data=raw,
        content_type="application/json",
        headers=member.headers,
    )

    error_of(response, 422, "validation_error")
