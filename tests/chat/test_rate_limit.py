"""Posting is rate-limited per user, REST and Socket.IO alike: the excess is refused (429
with Retry-After on REST, the same error in the acknowledgement), the connection stays."""

import pytest

from chat.clients import LIVE_BURST, error_code, history

BURST = 3
# A rate so slow that no token comes back during a test.
pytestmark = pytest.mark.app_config(message_rate=0.001, message_burst=BURST)


def burst(connection, count):
    return [connection.call("send_message", {"message": f"m{n}"}) for n in range(count)]


def post(client, account, room, text="hi"):
    return client.post(f"/rooms/{room}/messages", json={"message": text}, headers=account.headers)


def test_a_burst_is_allowed(connect, member):
    assert [ack["ok"] for ack in burst(connect(member), BURST)] == [True] * BURST


def test_a_send_beyond_the_burst_is_rate_limited(connect, member):
    acks = burst(connect(member), BURST + 1)

    assert error_code(acks[-1]) == "rate_limited"


def test_the_connection_stays_up_after_being_rate_limited(connect, member):
    alice = connect(member)
    burst(alice, BURST + 2)

    assert alice.connected
    assert alice.call("who_is_online", {})["ok"] is True


def test_a_rate_limited_message_is_neither_stored_nor_broadcast(
    connect, client, member, bob, general
):
    alice, bobs = connect(member), connect(bob)

    burst(alice, BURST + 2)

    assert len(history(client, member, general)) == BURST
    assert len(bobs.received("receive_message")) == BURST


def test_malformed_sends_do_not_use_up_the_allowance(connect, member):
    alice = connect(member)
    for _ in range(BURST + 1):
        alice.call("send_message", {"message": ""})

    assert [ack["ok"] for ack in burst(alice, BURST)] == [True] * BURST


def test_posting_over_rest_beyond_the_burst_is_429_with_retry_after(client, member, general):
    statuses = [post(client, member, general).status_code for _ in range(BURST)]
    refused = post(client, member, general)

    assert statuses == [201] * BURST
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert len(history(client, member, general)) == BURST


def test_several_connections_of_one_user_share_one_allowance(connect, member):
    first, second, third = connect(member), connect(member), connect(member)

    acks = burst(first, 1) + burst(second, 1) + burst(third, 2)

    assert [ack["ok"] for ack in acks] == [True] * BURST + [False]
    assert error_code(acks[-1]) == "rate_limited"


def test_rest_and_socket_posts_draw_on_one_allowance(connect, client, member, general):
    alice = connect(member)
    burst(alice, BURST)

    assert post(client, member, general).status_code == 429
    assert error_code(alice.call("send_message", {"message": "more"})) == "rate_limited"


def test_a_socket_burst_leaves_the_rest_allowance_spent(connect, client, member, general):
    assert [post(client, member, general).status_code for _ in range(BURST)] == [201] * BURST

    assert error_code(connect(member).call("send_message", {"message": "more"})) == "rate_limited"


def test_another_users_allowance_is_their_own(connect, client, member, bob, general):
    burst(connect(member), BURST + 1)

    assert post(client, bob, general).status_code == 201


def test_typing_is_limited_per_user_not_per_connection(connect, member):
    first, second = connect(member), connect(member)

    acks = [first.call("typing", {"room": "general"}) for _ in range(2)]
    acks += [second.call("typing", {"room": "general"}) for _ in range(2)]

    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert error_code(acks[-1]) == "rate_limited"


def test_a_real_client_is_rate_limited_and_stays_connected(live_api, live_client, server_log):
    client = live_client(live_api.member())
    acks = []
    for n in range(LIVE_BURST + 10):
        acks.append(client.call("send_message", {"message": f"m{n}"}))
        if not acks[-1]["ok"]:
            break

    assert error_code(acks[-1]) == "rate_limited"
    assert len(acks) > LIVE_BURST
    assert client.connected
    assert client.call("who_is_online", {})["ok"] is True
    assert "Traceback" not in server_log()
