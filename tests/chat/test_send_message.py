"""send_message: validated, stored, acknowledged after commit, retried safely by client_id."""

import pytest

from chat.clients import NOTHING, error_code, history

MESSAGE_KEYS = {
    "id", "room", "room_name", "seq", "author", "message",
    "created_at", "edited_at", "deleted", "client_id",
}  # fmt: skip


def test_the_ack_holds_the_stored_message(connect, member, general):
    ack = connect(member).call("send_message", {"message": "Olá!", "client_id": "c-1"})

    assert ack["ok"] is True
    assert ack["duplicate"] is False
    message = ack["message"]
    assert set(message) == MESSAGE_KEYS
    assert message["room"] == general
    assert message["room_name"] == "general"
    assert message["author"] == {"id": member.id, "username": "alice", "name": "Alice Martin"}
    assert message["message"] == "Olá!"
    assert message["client_id"] == "c-1"
    assert message["deleted"] is False
    assert message["edited_at"] is None
    assert message["created_at"].endswith("+00:00")


def test_the_acknowledged_message_is_already_in_the_history(connect, client, member, general):
    ack = connect(member).call("send_message", {"message": "stored?"})

    assert history(client, member, general) == [ack["message"]]


def test_the_text_is_trimmed(connect, member):
    ack = connect(member).call("send_message", {"message": "  \n\t hello there \n "})

    assert ack["message"]["message"] == "hello there"


@pytest.mark.parametrize(
    "text", ["x", "x" * 4000, "é" * 4000, "🙂" * 4000, "  " + "y" * 4000 + "  "]
)
def test_a_text_of_1_to_4000_characters_after_trimming_is_accepted(connect, member, text):
    ack = connect(member).call("send_message", {"message": text})

    assert ack["ok"] is True
    assert ack["message"]["message"] == text.strip()


def test_the_room_defaults_to_general(connect, member, general):
    assert connect(member).call("send_message", {"message": "hi"})["message"]["room"] == general


def test_a_room_can_be_given_by_id(connect, member, new_room):
    room = new_room(member)

    ack = connect(member).call("send_message", {"message": "hi", "room": room["id"]})

    assert ack["message"]["room"] == room["id"]


@pytest.mark.parametrize("spelling", ["room-1", "ROOM-1", "  Room-1 "])
def test_a_room_can_be_given_by_name_in_any_case(connect, member, new_room, spelling):
    room = new_room(member)

    ack = connect(member).call("send_message", {"message": "hi", "room": spelling})

    assert ack["message"]["room"] == room["id"]


def test_a_repeated_client_id_returns_the_first_message_as_a_duplicate(connect, member):
    alice = connect(member)
    first = alice.call("send_message", {"message": "once", "client_id": "retry-me"})

    again = alice.call("send_message", {"message": "once", "client_id": "retry-me"})

    assert again == {"ok": True, "message": first["message"], "duplicate": True}


def test_a_repeated_client_id_is_not_broadcast_again(connect, member, bob):
    alice, bobs = connect(member), connect(bob)
    alice.call("send_message", {"message": "once", "client_id": "retry-me"})

    alice.call("send_message", {"message": "once", "client_id": "retry-me"})

    assert len(bobs.received("receive_message")) == 1


def test_a_repeated_client_id_stores_nothing_new(connect, client, member, general):
    alice = connect(member)
    for _attempt in range(3):
        alice.call("send_message", {"message": "once", "client_id": "retry-me"})

    assert len(history(client, member, general)) == 1


def test_a_client_id_retried_from_another_connection_is_still_a_duplicate(connect, api, member):
    first = connect(member).call("send_message", {"message": "x", "client_id": "k"})

    again = connect(api.login(member)).call("send_message", {"message": "x", "client_id": "k"})

    assert again["duplicate"] is True
    assert again["message"]["id"] == first["message"]["id"]


def test_the_same_client_id_from_two_users_makes_two_messages(connect, member, bob):
    mine = connect(member).call("send_message", {"message": "x", "client_id": "k"})

    theirs = connect(bob).call("send_message", {"message": "x", "client_id": "k"})

    assert theirs["duplicate"] is False
    assert theirs["message"]["id"] != mine["message"]["id"]


def test_a_client_id_reused_in_another_room_is_never_acked_with_the_wrong_room(
    connect, client, member, new_room
):
    alice, other = connect(member), new_room(member)
    alice.call("send_message", {"message": "in general", "client_id": "k"})

    again = alice.call(
        "send_message", {"message": "elsewhere", "room": other["id"], "client_id": "k"}
    )

    # Refusing the reuse or storing a new message would both do; naming a wrong room would not.
    assert again["ok"] is False or again["message"]["id"] in [
        m["id"] for m in history(client, member, again["message"]["room"])
    ]


def test_messages_without_client_id_are_never_deduplicated(connect, member):
    alice = connect(member)

    acks = [alice.call("send_message", {"message": "same text"}) for _ in range(2)]

    assert [ack["duplicate"] for ack in acks] == [False, False]
    assert acks[0]["message"]["id"] != acks[1]["message"]["id"]


# --- Malformed payloads: an error acknowledgement with a code, and the connection stays ----

TOO_LONG = "x" * 4001
HUGE = 10**30

MALFORMED = [
    pytest.param(NOTHING, "validation_error", None, id="no-payload"),
    pytest.param(None, "validation_error", None, id="none"),
    pytest.param("hello", "validation_error", None, id="text"),
    pytest.param(["hello"], "validation_error", None, id="list"),
    pytest.param(42, "validation_error", None, id="number"),
    pytest.param(True, "validation_error", None, id="boolean"),
    pytest.param({}, "validation_error", "message", id="missing-message"),
    pytest.param({"text": "hi"}, "validation_error", "message", id="misnamed-message"),
    pytest.param({"message": None}, "validation_error", "message", id="message-none"),
    pytest.param({"message": 5}, "validation_error", "message", id="message-number"),
    pytest.param({"message": ["hi"]}, "validation_error", "message", id="message-list"),
    pytest.param({"message": {"t": "hi"}}, "validation_error", "message", id="message-object"),
    pytest.param({"message": ""}, "validation_error", "message", id="message-empty"),
    pytest.param({"message": " \n\t "}, "validation_error", "message", id="message-blank"),
    pytest.param({"message": TOO_LONG}, "validation_error", "message", id="message-4001"),
    pytest.param({"message": "a\ud800"}, "validation_error", "message", id="message-surrogate"),
    pytest.param({"message": "a\x00b"}, "validation_error", "message", id="message-nul"),
    pytest.param({"message": "hi", "room": "no-such-room"}, "room_not_found", None, id="room-?"),
    pytest.param({"message": "hi", "room": 999_999}, "room_not_found", None, id="room-999999"),
    pytest.param({"message": "hi", "room": True}, "validation_error", "room", id="room-true"),
    pytest.param({"message": "hi", "room": False}, "validation_error", "room", id="room-false"),
    pytest.param({"message": "hi", "room": None}, "validation_error", "room", id="room-none"),
    pytest.param({"message": "hi", "room": 0}, "validation_error", "room", id="room-0"),
    pytest.param({"message": "hi", "room": -1}, "validation_error", "room", id="room-negative"),
    pytest.param({"message": "hi", "room": 2**31}, "validation_error", "room", id="room-2**31"),
    pytest.param({"message": "hi", "room": HUGE}, "validation_error", "room", id="room-10**30"),
    pytest.param({"message": "hi", "room": 1.5}, "validation_error", "room", id="room-float"),
    pytest.param({"message": "hi", "room": ""}, "validation_error", "room", id="room-empty"),
    pytest.param({"message": "hi", "room": "r" * 81}, "validation_error", "room", id="room-81"),
    pytest.param({"message": "hi", "room": [1]}, "validation_error", "room", id="room-list"),
    pytest.param({"message": "hi", "room": {"id": 1}}, "validation_error", "room", id="room-obj"),
    pytest.param({"message": "hi", "client_id": ""}, "validation_error", "client_id", id="cid-''"),
    pytest.param(
        {"message": "hi", "client_id": "c" * 65}, "validation_error", "client_id", id="cid-65"
    ),
    pytest.param({"message": "hi", "client_id": 7}, "validation_error", "client_id", id="cid-7"),
    pytest.param(
        {"message": "hi", "client_id": ["c"]}, "validation_error", "client_id", id="cid-list"
    ),
]


@pytest.mark.parametrize(("payload", "code", "field"), MALFORMED)
def test_a_malformed_send_is_answered_with_an_error_code(connect, member, payload, code, field):
    ack = connect(member).call("send_message", payload)

    assert error_code(ack) == code
    if field is not None:
        assert field in ack["error"]["fields"]


def test_the_connection_stays_up_after_malformed_sends(connect, member):
    alice = connect(member)
    for payload, _code, _field in (case.values for case in MALFORMED):
        alice.call("send_message", payload)

    assert alice.connected
    assert alice.call("send_message", {"message": "still here"})["ok"] is True


def test_a_malformed_send_stores_and_broadcasts_nothing(connect, client, member, bob, general):
    alice, bobs = connect(member), connect(bob)

    for payload in (None, {"message": ""}, {"message": TOO_LONG}, {"message": "x", "room": 0}):
        alice.call("send_message", payload)

    assert bobs.received("receive_message") == []
    assert history(client, member, general) == []


def test_sending_to_a_private_room_you_are_not_in_is_room_not_found(connect, member, bob, new_room):
    secret = new_room(bob, private=True)

    for room in (secret["id"], secret["name"]):
        ack = connect(member).call("send_message", {"message": "hi", "room": room})
        assert error_code(ack) == "room_not_found"


def test_sending_to_a_public_room_you_have_not_joined_is_not_a_member(
    connect, member, bob, new_room
):
    public = new_room(bob)

    ack = connect(member).call("send_message", {"message": "hi", "room": public["id"]})

    assert error_code(ack) == "not_a_member"


# --- Text no database can store is refused, on both backends -----------------------------

UNSTORABLE = {"lone-surrogate": "a\ud800b", "nul": "a\x00b"}  # JSON carries both


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE)
@pytest.mark.parametrize("field", ["message", "room", "client_id"])
def test_text_a_database_cannot_store_is_a_validation_error(connect, member, field, text):
    ack = connect(member).call("send_message", {"message": "hi", field: text})

    assert error_code(ack) == "validation_error"
    assert field in ack["error"]["fields"]


def test_error_acks_speak_the_language_asked_for_at_connect(connect, member):
    portuguese = connect(member, auth={"token": member.token, "lang": "pt-BR"})

    ack = portuguese.call("send_message", {"message": ""})

    assert error_code(ack) == "validation_error"
    assert ack["error"]["fields"]["message"] == "A mensagem está vazia."


def test_error_acks_are_in_english_by_default(connect, member):
    ack = connect(member).call("send_message", {"message": ""})

    assert ack["error"]["fields"]["message"] == "The message is empty."


def test_an_unknown_event_is_answered_unknown_event(connect, member):
    alice = connect(member)

    ack = alice.call("send_mesage", {"message": "typo"})

    assert error_code(ack) == "unknown_event"
    assert alice.connected


# --- The same over a real connection: the server never logs a traceback ------------------


def test_a_real_server_answers_every_malformed_send_without_a_traceback(
    live_api, live_client, server_log
):
    client = live_client(live_api.member())

    answers = {
        case.id: client.call("send_message", None if case.values[0] is NOTHING else case.values[0])
        for case in MALFORMED
    }

    codes = {name: error_code(ack) for name, ack in answers.items()}
    assert codes == {case.id: case.values[1] for case in MALFORMED}
    assert client.connected
    assert "Traceback" not in server_log()


def test_a_real_server_keeps_a_private_room_secret_from_a_sender(live_api, live_client, server_log):
    owner, outsider = live_api.member(), live_api.member()
    body = {"name": f"secret-{owner.username}", "private": True}
    secret = live_api.request("POST", "/rooms", owner, json=body).json()

    ack = live_client(outsider).call("send_message", {"message": "hi", "room": secret["id"]})

    assert error_code(ack) == "room_not_found"
    assert "Traceback" not in server_log()


def test_an_unknown_event_is_answered_in_the_language_asked_for_at_connect(connect, member):
    portuguese = connect(member, auth={"token": member.token, "lang": "pt-BR"})

    ack = portuguese.tc.emit("*", {"message": "x"}, callback=True)

    assert ack == {
        "ok": False,
        "error": {"code": "unknown_event", "message": "Evento inexistente."},
    }
