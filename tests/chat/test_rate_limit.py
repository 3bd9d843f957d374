"""send_message is rate-limited per connection: the excess is refused, the connection stays."""

import pytest

from chat.clients import LIVE_BURST, error_code, history

BURST = 3
# A rate so slow that no token comes back during a test.
pytestmark = pytest.mark.app_config(message_rate=0.001, message_burst=BURST)


def burst(connection, count):
    return [connection.call("send_message", {"message": f"m{n}"}) for n in range(count)]


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
