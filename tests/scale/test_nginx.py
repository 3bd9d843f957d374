"""deploy/nginx/papo.conf, run for real: nginx with TLS in front of the shared deployment's two
processes, reached by REST, WebSocket and long-polling clients.

nginx's ip_hash picks a process by the client's address (its first three bytes), so the
tests connect from several loopback addresses (127.0.K.1) to reach both processes.
"""

import socketio

from scale.backends import SHARED_SQLITE
from support.accounts import PASSWORD

pytestmark = SHARED_SQLITE
CANDIDATE_SOURCES = [f"127.0.{k}.1" for k in range(1, 33)]


def source_on_other_process(nginx, upstream: str) -> str:
    """A client address whose requests nginx sends to a process other than `upstream`."""
    for source in CANDIDATE_SOURCES:
        if nginx.upstream_of(source) != upstream:
            return source
    raise AssertionError(f"every candidate address lands on {upstream}")


def test_nginx_accepts_the_deployment_config(nginx_site):
    checked = nginx_site.check()

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_plain_http_is_redirected_to_https(nginx):
    plain = f"http://127.0.0.1:{nginx.http_port}/health"

    response = nginx.session().get(plain, allow_redirects=False, timeout=10)

    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://127.0.0.1")


def test_the_rest_api_answers_through_nginx(cluster, nginx):
    ana = cluster.member()

    me = nginx.session().get(f"{nginx.url}/auth/me", headers=ana.headers, timeout=10)

    assert me.status_code == 200, me.text
    assert me.json()["id"] == ana.id


def test_papo_records_the_address_nginx_saw_not_one_the_client_claims(cluster, nginx):
    ana, source = cluster.member(), "127.0.9.1"
    http = nginx.session(source)
    body = {"username": ana.username, "password": PASSWORD}
    forged = {"X-Forwarded-For": "203.0.113.9"}

    token = http.post(f"{nginx.url}/auth/login", json=body, headers=forged, timeout=10).json()
    sessions = http.get(
        f"{nginx.url}/auth/sessions", headers={"Authorization": f"Bearer {token['token']}"}
    ).json()

    assert [s["ip_address"] for s in sessions if s["current"]] == [source]


def test_websocket_and_long_polling_clients_on_different_processes_talk_through_nginx(
    cluster, nginx, connect
):
    ana, ben = cluster.member(), cluster.member()
    ws_process = nginx.upstream_of("127.0.0.1")
    source = source_on_other_process(nginx, ws_process)
    # From 127.0.0.1, with the Origin a browser on the site sends: https://127.0.0.1:<port>.
    over_websocket = connect(ana, nginx, http=nginx.session())
    over_polling = connect(ben, nginx, transports=("polling",), http=nginx.session(source))

    to_polling = over_websocket.send("general", "from a WebSocket")
    to_websocket = over_polling.send("general", "from long-polling")

    assert over_polling.wait_for_message(to_polling["id"]) == to_polling
    assert over_websocket.wait_for_message(to_websocket["id"]) == to_websocket
    assert over_websocket.sio.transport() == "websocket"
    assert over_polling.sio.transport() == "polling"
    polled = {line.upstream for line in nginx.access() if line.client == source}
    assert len(polled) == 1 and ws_process not in polled


def test_every_request_of_a_long_polling_client_goes_to_the_same_process(cluster, nginx, connect):
    ana, ben, source = cluster.member(), cluster.member(), "127.0.5.1"
    poller = connect(ana, nginx, transports=("polling",), http=nginx.session(source))
    writer = connect(ben, cluster[0])

    for n in range(5):
        poller.wait_for_message(writer.send("general", f"poll {n}")["id"])
        poller.send("general", f"answer {n}")

    requests = [line for line in nginx.access() if line.client == source]
    assert len(requests) >= 10
    assert len({line.upstream for line in requests}) == 1
    assert {line.status for line in requests} == {200}


def test_a_page_from_another_site_cannot_open_socket_io_through_nginx(cluster, nginx, connect):
    ana = cluster.member()
    cross_site = connect(
        ana, nginx, transports=("polling",), http=nginx.session(),
        headers={"Origin": "https://evil.example"}, connect=False,
    )  # fmt: skip
    same_site = connect(
        ana, nginx, transports=("polling",), http=nginx.session(),
        headers={"Origin": nginx.url}, connect=False,
    )  # fmt: skip

    try:
        cross_site.connect()
        refused = False
    except socketio.exceptions.ConnectionError:
        refused = True

    assert refused
    assert same_site.connect().connected
