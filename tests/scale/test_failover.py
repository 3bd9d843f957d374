"""A process that goes away while the others keep serving: killed outright (SIGKILL, as a
crash or the OOM killer would), its clients move to a survivor and lose nothing; stopped
(SIGTERM, as a restart does), its users are announced offline at once.

A load balancer would send the reconnecting clients to a survivor by itself; here each
process has its own port, so the test reconnects them to the survivor's.
"""

from scale.backends import OWN_SQLITE

MESSAGES_BEFORE, MESSAGES_AFTER = 10, 10


def test_clients_of_a_killed_process_resume_on_a_survivor_without_loss_or_duplicate(
    make_cluster, api, connect
):
    doomed, survivor = make_cluster(2)
    ana, ben, cai = api.member(), api.member(), api.member()
    room = api.client.post("/rooms", json={"name": "ops"}, headers=ana.headers).get_json()["id"]
    for account in (ben, cai):
        assert connect(account, survivor).call("join_room", {"room": room})["ok"]
    reader, writer = connect(ana, doomed), connect(ben, doomed)
    watcher = connect(cai, survivor)  # never disconnected

    for n in range(MESSAGES_BEFORE):
        writer.send(room, f"message {n}", client_id=f"m{n}")
    in_flight = {"room": room, "message": "in flight", "client_id": "in-flight"}
    writer.sio.emit("send_message", in_flight)  # maybe stored, maybe not: unacknowledged
    doomed.kill()
    reader.wait_disconnected()
    writer.wait_disconnected()

    writer = connect(ben, survivor)
    retried = writer.call("send_message", in_flight)  # the client retries what was not acked
    assert retried["ok"] is True, retried
    for n in range(MESSAGES_BEFORE, MESSAGES_BEFORE + MESSAGES_AFTER):
        writer.send(room, f"message {n}", client_id=f"m{n}")  # while the reader is away
    live_before = reader.messages(room)
    reader = connect(ana, survivor)
    resumed = reader.call("resume", {"last_ids": {str(room): live_before[-1]["id"]}})

    stored = api.client.get(
        f"/rooms/{room}/messages", headers=ana.headers, query_string={"after": 0, "limit": 100}
    ).get_json()
    sent = [f"m{n}" for n in range(MESSAGES_BEFORE)] + ["in-flight"]
    sent += [f"m{n}" for n in range(MESSAGES_BEFORE, MESSAGES_BEFORE + MESSAGES_AFTER)]
    assert [m["client_id"] for m in stored] == sent, "each message stored once, in order"
    assert [m["seq"] for m in stored] == list(range(1, len(sent) + 1))
    seen = live_before + resumed["rooms"][str(room)]["messages"] + reader.messages(room)
    assert sorted({m["id"] for m in seen}) == [m["id"] for m in stored]
    watched = [m["id"] for m in watcher.messages(room)]
    assert len(watched) == len(set(watched)) and set(watched) <= {m["id"] for m in stored}
    assert watched[-MESSAGES_AFTER:] == [m["id"] for m in stored[-MESSAGES_AFTER:]]


@OWN_SQLITE
def test_users_of_a_process_stopped_gracefully_are_announced_offline_without_delay(
    make_cluster, api, connect
):
    stopping, staying = make_cluster(2)
    ana, ben = api.member(), api.member()
    watcher = connect(ben, staying)
    connect(ana, stopping)
    watcher.wait_for(lambda: watcher.presence_of(ana.id) == [True])

    stopping.stop()  # SIGTERM, as `systemctl stop` or a rolling restart sends

    watcher.wait_for(lambda: watcher.presence_of(ana.id) == [True, False], timeout=5)
    assert ana.id not in watcher.online()
