"""Cross-origin access is closed by default and opens only to PAPO_CORS_ORIGINS (never "*"),
for the REST API and for the Socket.IO handshake alike."""

import pytest
import websocket

from security.cast import SQLITE_ONLY

FOREIGN = "https://evil.example"
ALLOWED = "https://chat.example"
SAME = "http://localhost"  # the Flask test client's own origin
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Authorization",
}


def allow_origin(response):
    return response.headers.get("Access-Control-Allow-Origin")


@SQLITE_ONLY
@pytest.mark.parametrize("origin", [FOREIGN, ALLOWED])
def test_by_default_the_api_grants_no_origin(client, member, origin):
    plain = client.get("/users", headers={"Origin": origin, **member.headers})
    preflight = client.options("/users", headers={"Origin": origin, **PREFLIGHT})

    assert plain.status_code == 200
    assert allow_origin(plain) is None
    assert allow_origin(preflight) is None
    assert "Access-Control-Allow-Credentials" not in plain.headers


@SQLITE_ONLY
@pytest.mark.parametrize("origin", [FOREIGN, ALLOWED])
def test_by_default_a_foreign_socketio_handshake_is_refused(client, origin):
    response = client.get(HANDSHAKE, headers={"Origin": origin})

    assert response.status_code == 400
    assert allow_origin(response) is None


@SQLITE_ONLY
@pytest.mark.parametrize("headers", [{}, {"Origin": SAME}], ids=["no origin", "same origin"])
def test_by_default_a_same_origin_socketio_handshake_is_accepted(client, headers):
    assert client.get(HANDSHAKE, headers=headers).status_code == 200


def test_a_real_websocket_from_a_foreign_origin_gets_no_session(live_server):
    # gevent-websocket completes the upgrade before the app sees the request; Engine.IO then
    # refuses the origin and the socket closes before it has opened a session.
    url = f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket"
    try:
        ws = websocket.create_connection(url, origin=FOREIGN, timeout=5)
    except websocket.WebSocketBadStatusException as refused:
        assert refused.status_code == 400
        return
    try:
        first = ws.recv()
    except (websocket.WebSocketException, OSError):
        first = ""
    finally:
        ws.close()
    assert not first.startswith("0{"), first  # an Engine.IO "open" packet would be a session


@SQLITE_ONLY
@pytest.mark.app_config(cors_origins=(ALLOWED,))
def test_a_configured_origin_is_granted_by_name_never_as_a_wildcard(client, member):
    plain = client.get("/users", headers={"Origin": ALLOWED, **member.headers})
    preflight = client.options("/users", headers={"Origin": ALLOWED, **PREFLIGHT})

    assert allow_origin(plain) == ALLOWED
    assert allow_origin(preflight) == ALLOWED
    assert "Retry-After" in plain.headers.get("Access-Control-Expose-Headers", "")


@SQLITE_ONLY
@pytest.mark.app_config(cors_origins=(ALLOWED,))
def test_with_origins_configured_others_are_still_refused(client, member):
    plain = client.get("/users", headers={"Origin": FOREIGN, **member.headers})
    handshake = client.get(HANDSHAKE, headers={"Origin": FOREIGN})

    assert allow_origin(plain) is None
    assert handshake.status_code == 400


@SQLITE_ONLY
@pytest.mark.app_config(cors_origins=(ALLOWED,))
def test_a_configured_origin_may_open_socketio(client):
    response = client.get(HANDSHAKE, headers={"Origin": ALLOWED})

    assert response.status_code == 200
    assert allow_origin(response) == ALLOWED


@SQLITE_ONLY
@pytest.mark.app_config(cors_origins=(ALLOWED,))
def test_with_origins_configured_the_servers_own_origin_still_opens_socketio(client):
    assert client.get(HANDSHAKE, headers={"Origin": SAME}).status_code == 200
