"""Ending a session or an account on one process closes its connections on every process."""

import pytest
import socketio


def test_logging_out_on_one_process_closes_that_sessions_connection_on_the_other(cluster, connect):
    ana = cluster.member()
    other_session = cluster.rest(0).login(ana)
    leaving, staying = connect(ana, cluster[1]), connect(other_session, cluster[1])

    logged_out = cluster.rest(0).request("POST", "/auth/logout", ana)

    assert logged_out.status_code == 204, logged_out.text
    leaving.wait_disconnected()
    later = staying.send("general", "still here")
    assert staying.connected and later["author"]["id"] == ana.id


def test_deactivating_a_user_on_one_process_closes_their_connections_on_every_process(
    cluster, connect
):
    admin, ben = cluster.admin(), cluster.member()
    on_first, on_second = connect(ben, cluster[0]), connect(ben, cluster[1])

    patched = cluster.rest(0).request("PATCH", f"/users/{ben.id}", admin, json={"active": False})

    assert patched.status_code == 200, patched.text
    on_first.wait_disconnected()
    on_second.wait_disconnected()
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(ben, cluster[1])


def test_deactivation_announces_the_user_offline_on_the_other_process(cluster, connect):
    admin, ana, ben = cluster.admin(), cluster.member(), cluster.member()
    watcher = connect(ana, cluster[0])
    connect(ben, cluster[1])
    watcher.wait_for(lambda: watcher.presence_of(ben.id) == [True])

    cluster.rest(0).request("PATCH", f"/users/{ben.id}", admin, json={"active": False})

    watcher.wait_for(lambda: watcher.presence_of(ben.id) == [True, False])
