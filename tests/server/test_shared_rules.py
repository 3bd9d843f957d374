"""The client's form checks, the REST schemas and the Socket.IO payload checks keep the same
rules (papo.rules): each takes and refuses the same values at every limit, in the same words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from marshmallow import ValidationError

from papo import rules
from papo.client import validation
from papo.server.errors import ApiError
from papo.server.realtime import payloads
from papo.server.schemas import HistoryQuery, MemberIn, MessageIn, RegisterIn, RoomPatch

SRC = Path(__file__).resolve().parents[2] / "src" / "papo"


def server(schema, field: str, value: object) -> tuple[object, str]:
    """What a REST schema makes of `value` for `field`: (value, "") or (None, its message)."""
    try:
        loaded = schema().load({field: value}, partial=True)
    except ValidationError as error:
        return None, error.messages[field][0]
    return loaded[field], ""


def client(check, value: object) -> tuple[object, str]:
    """What the client's form check makes of `value`, typed as text."""
    return check("" if value is None else str(value))


USERNAMES = [
    "a" * rules.USERNAME_MIN,
    "a" * (rules.USERNAME_MIN - 1),
    "a" * rules.USERNAME_MAX,
    "a" * (rules.USERNAME_MAX + 1),
    f" {'B' * rules.USERNAME_MAX} ",
    " Ana.B ",
    "has space",
    "élodie",
    "\u212aate",  # KELVIN SIGN: str.lower() makes it "k", the server keeps it and refuses
]
PASSWORDS = ["p" * rules.PASSWORD_MIN, "p" * (rules.PASSWORD_MIN - 1)]
PASSWORDS += ["p" * rules.PASSWORD_MAX, "p" * (rules.PASSWORD_MAX + 1)]
NAMES = ["n" * rules.NAME_MAX, "n" * (rules.NAME_MAX + 1), f"  {'n' * rules.NAME_MAX}  ", "   "]
# Only format characters, or a direction control among visible ones: refused. Visible text
# with joiners or direction marks (an emoji sequence, a right-to-left name): taken.
NAMES += ["\u200b", "\u200b\u200c\u200d\ufeff", "\u200e\u200f", " \u2060 ", "\u202e"]
NAMES += ["ana\u202egpj.exe", "\u2066ana\u2069", "\u202bana", "\U0001f469\u200d\U0001f4bb"]
NAMES += ["\u05d3\u05e0\u05d4\u200f", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629"]
ROOM_NAMES = ["r" * rules.ROOM_NAME_MAX, "r" * (rules.ROOM_NAME_MAX + 1), " Dev-Ops ", "-x", ""]
AGES = [rules.AGE_MIN, rules.AGE_MIN - 1, rules.AGE_MAX, rules.AGE_MAX + 1]


@pytest.mark.parametrize(
    ("check", "schema", "field", "value"),
    [(validation.username, RegisterIn, "username", value) for value in USERNAMES]
    + [(validation.password, RegisterIn, "password", value) for value in PASSWORDS]
    + [(validation.name, RegisterIn, "name", value) for value in NAMES]
    + [(validation.room_name, RoomPatch, "name", value) for value in ROOM_NAMES]
    + [(validation.age, RegisterIn, "age", value) for value in AGES],
    ids=lambda value: repr(value)[:20] if isinstance(value, str | int) else None,
)
def test_the_client_and_the_server_agree_at_every_limit(check, schema, field, value):
    assert client(check, value) == server(schema, field, value)


def test_the_limits_sit_where_the_rules_say():
    accepted = [
        client(validation.username, "a" * rules.USERNAME_MAX)[0],
        client(validation.password, "p" * rules.PASSWORD_MAX)[0],
        client(validation.room_name, "r" * rules.ROOM_NAME_MAX)[0],
        client(validation.age, rules.AGE_MAX)[0],
    ]
    refused = [
        client(validation.username, "a" * (rules.USERNAME_MAX + 1))[0],
        client(validation.password, "p" * (rules.PASSWORD_MIN - 1))[0],
        client(validation.room_name, "r" * (rules.ROOM_NAME_MAX + 1))[0],
        client(validation.age, rules.AGE_MAX + 1)[0],
    ]
    assert None not in accepted
    assert refused == [None] * 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "a"),
        ("password", "p"),
        ("name", ""),
        ("age", rules.AGE_MAX + 1),
    ],
)
def test_the_refusals_state_the_rules_numbers(field, value):
    numbers = {
        "username": (rules.USERNAME_MIN, rules.USERNAME_MAX),
        "password": (rules.PASSWORD_MIN, rules.PASSWORD_MAX),
        "name": (rules.NAME_MIN, rules.NAME_MAX),
        "age": (rules.AGE_MIN, rules.AGE_MAX),
    }[field]
    _, message = server(RegisterIn, field, value)
    assert re.findall(r"\d+", message) == [str(number) for number in numbers]


def test_the_room_name_refusal_states_the_rules_number():
    _, message = server(RoomPatch, "name", "r" * (rules.ROOM_NAME_MAX + 1))
    assert f"1 to {rules.ROOM_NAME_MAX} characters" in message


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("r" * rules.ROOM_NAME_MAX, True),
        (f"  {'r' * rules.ROOM_NAME_MAX}  ", True),
        ("r" * (rules.ROOM_NAME_MAX + 1), False),
        ("", False),
    ],
    ids=["at the limit", "trimmed to the limit", "past the limit", "empty"],
)
def test_an_event_names_a_room_with_the_room_name_limit(name, taken):
    if taken:
        assert payloads.room_ref({"room": name}) == name
    else:
        with pytest.raises(ApiError) as refused:
            payloads.room_ref({"room": name})
        assert refused.value.code == "validation_error"


@pytest.mark.parametrize("length", [rules.CLIENT_ID_MAX, rules.CLIENT_ID_MAX + 1])
def test_rest_and_events_take_the_same_client_ids(length):
    value = "c" * length
    rest, _ = server(MessageIn, "client_id", value)
    try:
        event = payloads.client_id({"client_id": value})
    except ApiError:
        event = None
    assert rest == event == (value if length <= rules.CLIENT_ID_MAX else None)


@pytest.mark.parametrize("value", [rules.MAX_ID, rules.MAX_ID + 1])
def test_rest_and_events_take_the_same_ids(value):
    member, _ = server(MemberIn, "user_id", value)
    before, _ = server(HistoryQuery, "before", value)
    try:
        event = payloads.message_id({"id": value})
    except ApiError:
        event = None
    expected = value if value <= rules.MAX_ID else None
    assert member == before == event == expected


def test_last_ids_are_limited_to_the_rules_number_of_rooms():
    most = {str(room): 0 for room in range(1, rules.LAST_IDS_MAX + 1)}
    assert len(payloads.last_ids({"last_ids": most})) == rules.LAST_IDS_MAX
    with pytest.raises(ApiError):
        payloads.last_ids({"last_ids": {**most, str(rules.LAST_IDS_MAX + 1): 0}})


def test_the_largest_id_is_written_once():
    written = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        for line in path.read_text().splitlines()
        if re.search(r"2\s*\*\*\s*31", line)
    ]
    assert written == ["rules.py"]


def test_the_rules_need_nothing_beyond_the_standard_library():
    imported = re.findall(r"^\s*(?:from|import) (\S+)", (SRC / "rules.py").read_text(), re.M)
    assert set(imported) <= {"__future__", "re", "unicodedata"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("\u200b\u200d", "Use at least one visible character."),
        ("ana\u202egpj.exe", "Remove the text-direction control characters."),
    ],
)
def test_the_client_and_the_server_refuse_disguised_names_in_the_same_words(value, message):
    assert client(validation.name, value) == server(RegisterIn, "name", value) == (None, message)


@pytest.mark.parametrize("control", sorted(rules.BIDI_CONTROLS))
def test_every_direction_control_is_refused_in_a_name_and_a_topic(control):
    assert server(RegisterIn, "name", f"ana{control}")[0] is None
    assert server(RoomPatch, "topic", f"topic {control}x")[0] is None


def test_a_topic_may_still_be_right_to_left_or_empty():
    for topic in ["\u05e9\u05dc\u05d5\u05dd \u200f!", ""]:
        assert server(RoomPatch, "topic", topic) == (topic, "")
