"""Presence across processes: a user is online while they have a connection to any process,
and every process hears when they come and go.
"""

import time

import pytest

from papo.server.realtime import directory
from scale.backends import OWN_SQLITE


def test_who_is_online_on_one_process_lists_a_user_connected_only_to_the_other(cluster, connect):
    ana, ben = cluster.member(), cluster.member()
    asker = connect(ana, cluster[0])
    connect(ben, cluster[1])

    assert ben.id in asker.online()
    assert ben.id in asker.online("general")


def test_the_members_list_on_one_process_shows_a_user_online_on_the_other(
    cluster, connect, new_room
):
    ana, ben = cluster.member(), cluster.member()
    room = new_room(ana, members=(ben,))
    connect(ben, cluster[1])

    listed = cluster.rest(0).request("GET", f"/rooms/{room}/members", ana).json()

    assert {m["id"]: m["online"] for m in listed} == {ana.id: False, ben.id: True}


def test_coming_online_and_going_offline_on_one_process_is_announced_on_the_other(cluster, connect):
    ana, ben = cluster.member(), cluster.member()
    watcher = connect(ana, cluster[0])

    visitor = connect(ben, cluster[1])
    watcher.wait_for(lambda: watcher.presence_of(ben.id) == [True])
    visitor.close()

    watcher.wait_for(lambda: watcher.presence_of(ben.id) == [True, False])
    assert ben.id not in watcher.online()


def test_a_user_on_both_processes_stays_online_until_the_last_connection_closes(cluster, connect):
    ana, ben, cai = cluster.member(), cluster.member(), cluster.member()
    watcher = connect(ana, cluster[0])
    on_first, on_second = connect(ben, cluster[0]), connect(ben, cluster[1])
    marker = connect(cai, cluster[1])
    watcher.wait_for(lambda: watcher.presence_of(cai.id) == [True])

    on_second.close()
    marker.close()  # closed after ben's connection, on the same process: announced after it
    watcher.wait_for(lambda: watcher.presence_of(cai.id) == [True, False])

    assert watcher.presence_of(ben.id) == [True]
    assert ben.id in watcher.online()
    on_first.close()
    watcher.wait_for(lambda: watcher.presence_of(ben.id) == [True, False])
    assert ben.id not in watcher.online()


@pytest.mark.slow
@OWN_SQLITE
def test_users_of_a_killed_process_are_announced_offline_once_its_heartbeat_expires(
    make_cluster, api, connect
):
    deployment = make_cluster(2)
    ana, ben = api.member(), api.member()
    watcher = connect(ben, deployment[1])
    connect(ana, deployment[0])
    watcher.wait_for(lambda: watcher.presence_of(ana.id) == [True])

    deployment[0].kill()
    killed_at = time.monotonic()

    assert ana.id in watcher.online(), "online until the survivors notice the process is gone"
    longest = directory.HOST_TTL_SECONDS + 2 * directory.HEARTBEAT_SECONDS
    watcher.wait_for(lambda: watcher.presence_of(ana.id) == [True, False], timeout=longest + 5)
    assert time.monotonic() - killed_at >= directory.HOST_TTL_SECONDS - 1
    assert ana.id not in watcher.online()
    hosts = deployment.redis.client().smembers("papo:hosts")
    assert len(hosts) == 1, "the dead process is forgotten"
