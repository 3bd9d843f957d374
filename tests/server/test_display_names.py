"""A display name must show something and must not reorder the text around it; a room topic
must not either. Refused at every door: sign-up, an account's own change, an admin's."""

from __future__ import annotations

import re

import pytest

from papo.rules import BIDI_CONTROLS
from support.accounts import PASSWORD
from support.errors import error_of

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\ufeff\u2060", "\u200e\u200f"]
DISGUISED = ["ana\u202egpj.exe", "\u2066admin\u2069", "\u202dbob"]


@pytest.mark.parametrize("name", INVISIBLE + DISGUISED)
def test_sign_up_refuses_an_invisible_or_disguised_name(client, name):
    body = {"username": "newcomer", "password": PASSWORD, "name": name}

    error = error_of(client.post("/auth/register", json=body), 422, "validation_error")

    assert set(error["fields"]) == {"name"}


@pytest.mark.parametrize("name", INVISIBLE + DISGUISED)
def test_renaming_oneself_refuses_an_invisible_or_disguised_name(client, member, name):
    response = client.patch(f"/users/{member.id}", json={"name": name}, headers=member.headers)

    assert "name" in error_of(response, 422, "validation_error")["fields"]


@pytest.mark.parametrize("name", ["\u05d3\u05e0\u05d4\u200f", "\U0001f469\u200d\U0001f4bb Ana"])
def test_a_visible_name_with_marks_or_joiners_is_taken(client, member, name):
    response = client.patch(f"/users/{member.id}", json={"name": name}, headers=member.headers)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"] == name


def test_a_room_topic_refuses_direction_overrides(client, member):
    body = {"name": "spoof", "topic": "release \u202etxt.exe"}

    error = error_of(client.post("/rooms", json=body, headers=member.headers), 422)

    assert set(error["fields"]) == {"topic"}


def test_the_admin_command_refuses_an_invisible_name(run_cli):
    result = run_cli(
        "create-admin",
        "--username",
        "boss",
        "--name",
        "\u200b",
        "--password-stdin",
        input=PASSWORD + "\n",
    )

    assert result.exit_code != 0
    assert "visible" in result.output


def test_the_documented_name_pattern_refuses_exactly_the_direction_controls(client):
    spec = client.get("/openapi.json").get_json()
    name = spec["components"]["schemas"]["RegisterIn"]["properties"]["name"]
    pattern = re.compile(name["pattern"])
    neighbours = ["\u2029", "\u202f", "\u2065", "\u206a"]

    assert [c for c in sorted(BIDI_CONTROLS) if pattern.search(f"ana{c}x")] == []
    assert [c for c in neighbours if pattern.search(f"ana{c}x")] == neighbours
    assert pattern.search(" \u05d3\u05e0\u05d4\u200f ")
