"""The fields every schema is made of: text a database can store, strict numbers and
booleans, and the names (usernames, display names, room names) with their rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from apiflask import Schema, fields, validators
from marshmallow import RAISE, ValidationError, pre_load

from ...rules import (
    AGE_MAX,
    AGE_MIN,
    MAX_ID,
    NAME_MAX,
    NAME_MIN,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROOM_NAME_MAX,
    ROOM_NAME_RE,
    USERNAME_MAX,
    USERNAME_MIN,
    USERNAME_RE,
    has_bidi_control,
    storable,
    visible,
)
from ..i18n import N_


class Text(fields.String):
    """Text that a database can store: no NUL character, no lone surrogate."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not storable(text):
            raise ValidationError(N_("Remove the control or invalid characters."))
        return text


class StrictBoolean(fields.Boolean):
    """Only JSON true and false: not 1, "yes" or "on"."""

    truthy: set[object] = {True}
    falsy: set[object] = {False}


class StrictInteger(fields.Integer):
    """An integer that refuses strings, floats and booleans (JSON true is not an age)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class Documented(Text):
    """Text whose rule lives in `clean` (so that its error stays one sentence), and
    whose document carries `PATTERN` and `DESCRIPTION` as field metadata instead.

    PATTERN describes what the field accepts as sent, before trimming (and lower-casing): a
    pattern of the stored form would make the document refuse what the server takes."""

    PATTERN = ""
    DESCRIPTION = ""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": self.PATTERN, "description": self.DESCRIPTION}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        return self.clean(super()._deserialize(value, attr, data, **kwargs).strip())

    def clean(self, text: str) -> str:
        """The stored form of the trimmed `text`; raise ValidationError if the rule refuses it."""
        return text


class Patterned(Documented):
    """Text that, trimmed and lower-cased, must match `RULE`; refused with `REFUSAL`."""

    RULE: re.Pattern[str]
    REFUSAL = ""

    def clean(self, text: str) -> str:
        """Lower-cased and matching the rule."""
        text = self.fold(text)
        if not self.RULE.match(text):
            raise ValidationError(self.REFUSAL)
        return text

    def fold(self, text: str) -> str:
        """The lower-cased form that is stored."""
        return text.lower()


class Username(Patterned):
    """A username: trimmed, lower-cased, 3–32 of a-z 0-9 _ . - (rules.USERNAME_RE)."""

    PATTERN = rf"^\s*[A-Za-z0-9_.-]{{{USERNAME_MIN},{USERNAME_MAX}}}\s*$"
    DESCRIPTION = (
        f"{USERNAME_MIN} to {USERNAME_MAX} of a-z, 0-9, '_', '.' and '-'; surrounding spaces "
        "are trimmed and letters lower-cased"
    )
    RULE = USERNAME_RE
    REFUSAL = N_("Use 3 to 32 characters: letters a-z, digits, '_', '.' or '-'.")

    def fold(self, text: str) -> str:
        """ASCII only, as the client does."""
        return text.lower() if text.isascii() else text


_BIDI = r"\u202a-\u202e\u2066-\u2069"  # rules.BIDI_CONTROLS, as a regular expression's range


class Name(Documented):
    """A display name: trimmed, 1–100 characters, something visible, no direction controls."""

    # Exact but for the "one visible character" rule, which no pattern without Unicode
    # properties can say.
    PATTERN = rf"^\s*[^\s{_BIDI}]([^{_BIDI}]{{0,{NAME_MAX - 2}}}[^\s{_BIDI}])?\s*$"
    DESCRIPTION = (
        f"{NAME_MIN} to {NAME_MAX} characters once surrounding spaces are trimmed, at least one "
        "of them visible (not only zero-width or format characters), and no bidirectional "
        "embedding, override or isolate (U+202A-U+202E, U+2066-U+2069)"
    )

    def clean(self, text: str) -> str:
        """1 to 100 characters, one visible, no direction control."""
        if not NAME_MIN <= len(text) <= NAME_MAX:
            raise ValidationError(N_("Use 1 to 100 characters."))
        no_direction_controls(text)
        if not visible(text):
            raise ValidationError(N_("Use at least one visible character."))
        return text


def no_direction_controls(text: str) -> None:
    """Refuse a bidirectional embedding, override or isolate (they disguise the text)."""
    if has_bidi_control(text):
        raise ValidationError(N_("Remove the text-direction control characters."))


class RoomName(Patterned):
    """A channel name: trimmed, lower-cased, 1–64 of a-z 0-9 _ - (first: a letter or digit)."""

    # Exact but for U+212A KELVIN SIGN, which str.lower() turns into "k".
    PATTERN = rf"^\s*[A-Za-z0-9][A-Za-z0-9_-]{{0,{ROOM_NAME_MAX - 1}}}\s*$"
    DESCRIPTION = (
        f"1 to {ROOM_NAME_MAX} of a-z, 0-9, '_' and '-', starting with a letter or digit; "
        "surrounding spaces are trimmed and letters lower-cased"
    )
    RULE = ROOM_NAME_RE
    REFUSAL = N_("Use 1 to 64 characters: a-z, digits, '_' or '-'.")


def new_password(**kwargs: Any) -> fields.String:
    """A new password: 8 to 1024 characters."""
    return Text(
        validate=validators.Length(
            min=PASSWORD_MIN,
            max=PASSWORD_MAX,
            error=N_("Use 8 to 1024 characters."),
        ),
        metadata={"format": "password"},
        **kwargs,
    )


def optional_age() -> StrictInteger:
    """An optional age in whole years, 0 to 150."""
    return StrictInteger(
        allow_none=True,
        validate=validators.Range(
            min=AGE_MIN,
            max=AGE_MAX,
            error=N_("Age must be a whole number from 0 to 150."),
        ),
        metadata={"description": "Optional, whole years"},
    )


def record_id(*, least: int = 1, **kwargs: Any) -> StrictInteger:
    """An id (or, with `least=0`, an id or 0) that the database could hold."""
    return StrictInteger(
        validate=validators.Range(min=least, max=MAX_ID, error=N_("Not a valid id.")), **kwargs
    )


def too_long(most: int, **kwargs: Any) -> Text:
    """Text of at most `most` characters, refused past it as "Too long."."""
    return Text(validate=validators.Length(max=most, error=N_("Too long.")), **kwargs)


class StrictSchema(Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _must_be_object(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            raise ValidationError(N_("The body must be a JSON object."), "_schema")
        return data


def digits_to_int(data: Any) -> dict[str, Any]:
    """Query strings carry text: turn digit strings into numbers before strict checks."""
    return {k: int(v) if _ascii_digits(v) else v for k, v in dict(data).items()}


def _ascii_digits(value: Any) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12
