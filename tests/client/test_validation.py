"""The checks the forms make before sending anything."""

from __future__ import annotations

import pytest

from papo.client import validation

AGE_ERROR = "Age must be a whole number from 0 to 150."


@pytest.mark.parametrize(("typed", "value"), [("0", 0), (" 42 ", 42), ("150", 150), ("", None)])
def test_whole_ages_from_0_to_150_or_none_are_accepted(typed, value):
    assert validation.age(typed) == (value, "")


@pytest.mark.parametrize("typed", ["151", "-1", "4.5", "forty", "1e2"])
def test_other_ages_are_refused_with_the_rule(typed):
    assert validation.age(typed) == (None, AGE_ERROR)


def test_usernames_are_lower_cased_and_checked():
    assert validation.username(" Ana.B ") == ("ana.b", "")
    assert validation.username("ab")[0] is None


def test_passwords_need_eight_characters():
    assert validation.password("seven77")[0] is None
    assert validation.password("eight888") == ("eight888", "")


def test_room_names_are_slugs():
    assert validation.room_name("Dev-Ops") == ("dev-ops", "")
    assert validation.room_name("-x")[0] is None
