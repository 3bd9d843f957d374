"""Redis restarting under a running deployment (a crash, an upgrade, a failover): it comes
back empty, and the processes carry on.
"""

import pytest

from papo.server.realtime import directory
from scale.backends import OWN_SQLITE
from support.waiting import wait_until

REBUILT_WITHIN = 2 * directory.HEARTBEAT_SECONDS + 5  # seconds, after Redis is back


def crosses_again(writer, reader) -> bool:
    """True once a message sent now reaches the other process (within a second)."""
    sent = writer.send("general", "are you there?")
    try:
        reader.wait_for(lambda: [m for m in reader.messages() if m["id"] == sent["id"]], 1)
    except AssertionError:
        return False
    return True


@OWN_SQLITE
def test_messages_cross_processes_again_once_redis_is_back(make_cluster, api, connect):
    deployment = make_cluster(2)
    ana, ben = api.member(), api.member()
    writer, reader = connect(ana, deployment[0]), connect(ben, deployment[1])

    deployment.redis.restart()

    wait_until(lambda: crosses_again(writer, reader), REBUILT_WITHIN, "delivery across processes")
    deployment.mark_logs()  # while Redis was away, failed heartbeats logged tracebacks


@pytest.mark.slow
@OWN_SQLITE
def test_logging_out_after_a_redis_restart_still_closes_the_connection_on_the_other_process(
    make_cluster, api, connect
):
    deployment = make_cluster(2)
    ana, ben = api.member(), api.member()
    asker, leaving = connect(ana, deployment[0]), connect(ben, deployment[1])
    deployment.redis.restart()
    wait_until(lambda: crosses_again(asker, leaving), REBUILT_WITHIN, "delivery across processes")
    deployment.mark_logs()  # while Redis was away, failed heartbeats logged tracebacks

    wait_until(lambda: ben.id in asker.online(), REBUILT_WITHIN, "ben listed online again")
    logged_out = deployment.rest(0).request("POST", "/auth/logout", ben)

    assert logged_out.status_code == 204, logged_out.text
    leaving.wait_disconnected()
