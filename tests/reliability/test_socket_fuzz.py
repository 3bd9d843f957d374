"""Every Socket.IO event, fed arbitrary payloads: each gets an acknowledgement (ok, or an
error with a code and a message), nothing is logged as an error, the connection stays up,
and a well-formed message from someone else still reaches everyone afterwards."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.clients import error_code
from reliability.conftest import record_figure

EVENTS = [
    "send_message",
    "edit_message",
    "delete_message",
    "resume",
    "join_room",
    "leave_room",
    "typing",
    "who_is_online",
    "mark_read",
]
# "connect" and "disconnect" are python-socketio's lifecycle names; what happens when a client
# emits them is tests/security/test_reserved_events.py.
RESERVED = {"connect", "disconnect"}
EXAMPLES = 40
SLOW_EXAMPLES = 400
SETTINGS = dict(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

any_character = st.characters(codec=None, exclude_categories=())  # NUL, lone surrogates too
text = st.text(any_character, max_size=40) | st.sampled_from(
    ["", " ", "\x00", "\ud800", "a\udfffb", "\u202egeneral", "\ufeff", "🙂" * 50, "x" * 5000]
)
integers = st.integers() | st.sampled_from([0, -1, 1, 2, 2**31 - 1, 2**31, 2**63, -(2**63)])
scalars = st.none() | st.booleans() | integers | st.floats() | text | st.binary(max_size=40)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
deep = st.integers(1, 400).map(lambda depth: _nest(depth))
huge = st.sampled_from(["x" * 60_000, "é" * 30_000, "\x00" * 1000])
fields = {name: values | huge | deep for name in ("message", "room", "client_id", "id", "last_ids")}
# Objects with the fields the events read, so the fuzz gets past "not an object".
shaped = st.fixed_dictionaries({}, optional=fields) | st.fixed_dictionaries(
    {},
    optional={
        "message": text,
        "room": st.sampled_from([1, "general", 0, -5, 2**40, "nope", True]) | values,
        "id": integers,
        "client_id": text,
        "last_ids": st.dictionaries(text | integers.map(str), values, max_size=5),
    },
)
payloads = st.lists(shaped | values | deep | huge, max_size=3)  # zero to three arguments


def _nest(depth: int) -> list:
    nested: list = []
    for _ in range(depth):
        nested = [nested]
    return nested


def well_formed(ack: Any) -> dict:
    """The one acknowledgement argument, checked: {ok: true, ...} or an error."""
    assert isinstance(ack, dict), ack
    if ack.get("ok") is not True:
        assert isinstance(error_code(ack), str)
    return ack


@pytest.fixture
def people(api, connect):
    """The fuzzer's connection, and a sender and a listener who behave."""
    fuzzer, sender, listener = (
        connect(api.member(username=name)) for name in ("fuzzer", "sender", "listener")
    )
    return fuzzer, sender, listener


CHECKS = itertools.count(1)  # numbers the check messages, unique in the whole run


def still_delivered(people) -> None:
    """A well-formed message from the sender reaches the fuzzer and the listener."""
    fuzzer, sender, listener = people
    number = next(CHECKS)
    text = f"still here {number}"
    ack = sender.call("send_message", {"message": text, "client_id": f"check-{number}"})
    assert ack["ok"] is True, ack
    for connection in (fuzzer, listener):
        assert text in [m["message"] for m in connection.received("receive_message")]
    assert fuzzer.connected


def fuzz_event(people, event: str, examples: int) -> int:
    """Feed `event` arbitrary payloads through the fuzzer's connection; return how many."""
    count = itertools.count()

    @settings(max_examples=examples, **SETTINGS)
    @given(args=payloads)
    def run(args):
        next(count)
        ack = people[0].tc.emit(event, *args, callback=True)
        well_formed(ack)
        still_delivered(people)

    run()
    return next(count)


@pytest.mark.app_config(message_rate=1e6, message_burst=10**6)
@pytest.mark.parametrize("event", EVENTS)
def test_every_event_survives_arbitrary_payloads(people, quiet_log, event, request):
    tried = fuzz_event(people, event, EXAMPLES)

    record_figure(f"socket payloads tried, {event} [{request.node.callspec.id}]", tried)


@pytest.mark.slow
@pytest.mark.app_config(message_rate=1e6, message_burst=10**6)
@pytest.mark.parametrize("event", EVENTS)
def test_every_event_survives_many_arbitrary_payloads(people, quiet_log, event, request):
    tried = fuzz_event(people, event, SLOW_EXAMPLES)

    record_figure(f"socket payloads tried (slow), {event} [{request.node.callspec.id}]", tried)


@pytest.mark.app_config(message_rate=1e6, message_burst=10**6)
@settings(max_examples=EXAMPLES, **SETTINGS)
@given(name=st.text(any_character, min_size=1, max_size=60), args=payloads)
def test_an_unknown_event_is_answered_unknown_event(people, quiet_log, name, args):
    if name in EVENTS or name in RESERVED:
        return
    ack = people[0].tc.emit(name, *args, callback=True)

    assert error_code(ack) == "unknown_event"
    still_delivered(people)


@pytest.mark.app_config(message_rate=1e6, message_burst=10**6)
@pytest.mark.parametrize("args", [(), ({"message": "x"},), ("a", "b")], ids=repr)
def test_an_event_named_like_the_catch_all_is_answered_unknown_event(people, quiet_log, args):
    """python-socketio would hand an event named "*" to the catch-all handler without its name
    (found by the fuzzer above)."""
    ack = people[0].tc.emit("*", *args, callback=True)

    assert error_code(ack) == "unknown_event"
    still_delivered(people)


@pytest.mark.app_config(message_rate=1e6, message_burst=10**6)
@pytest.mark.parametrize(
    "name",
    [0, -1, 2**70, 1.5, None, True, {}, ["x"], {"name": "send_message"}],
    ids=repr,
)
def test_an_event_name_that_is_not_text_is_answered_unknown_event(people, quiet_log, name):
    ack = people[0].tc.emit(name, {"message": "x"}, callback=True)

    assert error_code(ack) == "unknown_event"
    still_delivered(people)
