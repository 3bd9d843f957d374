"""The core against a real server, around signing out: what is still queued or on its way
when the session ends is dropped, not applied to a core that has no session any more."""

from __future__ import annotations

from client.helpers import PASSWORD, register, wait_for
from papo.client.core import Core
from papo.client.state import OFFLINE


def test_a_membership_event_queued_before_sign_out_is_dropped_after_it(server, make_core):
    ana = make_core(server.url)
    room = ana.state.current_room
    ana.post("membership", {"room": room, "member": True})
    ana.sign_out().result(timeout=10)
    ana.pump()  # applied with no session: must not reach for the REST client
    assert not ana.signed_in
    assert ana.state.rooms == {}


def test_rooms_answered_after_sign_out_do_not_open_a_connection(server):
    _api, ana = register(server.url)
    core = Core()
    try:
        core.sign_in(server.url, ana["username"], PASSWORD)
        wait_for(core, lambda: core.signed_in, "the sign-in")  # the rooms are now asked for
        core.sign_out().result(timeout=10)  # the worker answers the rooms first
        core.pump()
        assert core.realtime is None
        assert core.state.link.status == OFFLINE
        assert core.state.rooms == {}
    finally:
        core.close()
