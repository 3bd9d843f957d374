"""Request and response schemas: the same ones validate input and document the API."""

from __future__ import annotations

import re
from typing import Any

from apiflask import Schema, fields, validators
from marshmallow import EXCLUDE, RAISE, ValidationError, pre_load

from .i18n import N_

USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,32}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 1024
NAME_MAX = 100
AGE_MIN, AGE_MAX = 0, 150


class Text(fields.String):
    """Text that a database can store: no NUL character, no lone surrogate."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not storable(text):
            raise ValidationError(N_("Remove the control or invalid characters."))
        return text


def storable(text: str) -> bool:
    """True when `text` has no NUL and encodes as UTF-8 (PostgreSQL refuses both)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictBoolean(fields.Boolean):
    """Only JSON true and false: not 1, "yes" or "on"."""

    truthy = frozenset({True})
    falsy = frozenset({False})


class StrictInteger(fields.Integer):
    """An integer that refuses strings, floats and booleans (JSON true is not an age)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class Documented(Text):
    """Text whose rule lives in `_deserialize` (so that its error stays one sentence), and
    whose document carries `PATTERN` and `DESCRIPTION` as field metadata instead.

    PATTERN describes what the field accepts as sent, before trimming (and lower-casing): a
    pattern of the stored form would make the document refuse what the server takes."""

    PATTERN = ""
    DESCRIPTION = ""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": self.PATTERN, "description": self.DESCRIPTION}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)


class Username(Documented):
    """A username: trimmed, lower-cased, 3–32 of a-z 0-9 _ . -."""

    PATTERN = r"^\s*[A-Za-z0-9_.-]{3,32}\s*$"
    DESCRIPTION = (
        "3 to 32 of a-z, 0-9, '_', '.' and '-'; surrounding spaces are trimmed and letters "
        "lower-cased"
    )

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        text = text.lower() if text.isascii() else text
        if not USERNAME_RE.match(text):
            raise ValidationError(
                N_("Use 3 to 32 characters: letters a-z, digits, '_', '.' or '-'.")
            )
        return text


class Name(Documented):
    """A display name: trimmed, 1–100 characters."""

    PATTERN = r"^\s*\S([\s\S]{0,98}\S)?\s*$"
    DESCRIPTION = "1 to 100 characters once surrounding spaces are trimmed"

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(text) <= NAME_MAX:
            raise ValidationError(N_("Use 1 to 100 characters."))
        return text


def _password(**kwargs: Any) -> fields.String:
    return Text(
        validate=validators.Length(
            min=PASSWORD_MIN,
            max=PASSWORD_MAX,
            error=N_("Use 8 to 1024 characters."),
        ),
        metadata={"format": "password"},
        **kwargs,
    )


def _age() -> StrictInteger:
    return StrictInteger(
        allow_none=True,
        validate=validators.Range(
            min=AGE_MIN,
            max=AGE_MAX,
            error=N_("Age must be a whole number from 0 to 150."),
        ),
        metadata={"description": "Optional, whole years"},
    )


class StrictSchema(Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _must_be_object(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            raise ValidationError(N_("The body must be a JSON object."), "_schema")
        return data


class RegisterIn(StrictSchema):
    username = Username(required=True)
    password = _password(required=True)
    name = Name(required=True)
    age = _age()


class LoginIn(StrictSchema):
    username = Text(required=True, validate=validators.Length(max=200, error=N_("Too long.")))
    password = Text(
        required=True, validate=validators.Length(max=PASSWORD_MAX, error=N_("Too long."))
    )


class UserCreate(RegisterIn):
    role = Text(
        load_default="member",
        validate=validators.OneOf(["admin", "member"], error=N_("Choose admin or member.")),
    )
    active = StrictBoolean(load_default=True)


class UserReplace(StrictSchema):
    """PUT: the editable profile as a whole (name required; a missing age clears it)."""

    name = Name(required=True)
    age = _age()
    role = Text(validate=validators.OneOf(["admin", "member"], error=N_("Choose admin or member.")))
    active = StrictBoolean()
    password = _password()
    current_password = Text(validate=validators.Length(max=PASSWORD_MAX, error=N_("Too long.")))


class UserPatch(StrictSchema):
    """PATCH: any subset of the editable fields."""

    name = Name()
    age = _age()
    role = Text(validate=validators.OneOf(["admin", "member"], error=N_("Choose admin or member.")))
    active = StrictBoolean()
    password = _password()
    current_password = Text(validate=validators.Length(max=PASSWORD_MAX, error=N_("Too long.")))


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    age = fields.Integer(allow_none=True)
    role = fields.String()
    active = fields.Boolean()
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso")


class PageQuery(Schema):
    """Paging in the query string; unknown parameters (cache busters…) are ignored."""

    class Meta:
        unknown = EXCLUDE

    page = StrictInteger(
        load_default=1,
        validate=validators.Range(min=1, max=1_000_000, error=N_("Use a page number from 1.")),
    )
    per_page = StrictInteger(
        load_default=50,
        validate=validators.Range(min=1, max=100, error=N_("Use 1 to 100 per page.")),
    )

    @pre_load
    def _numbers(self, data: Any, **kwargs: Any) -> Any:
        return _digits_to_int(data)


class UserQuery(PageQuery):
    q = Text(load_default="", validate=validators.Length(max=100, error=N_("Too long.")))


class PaginationOut(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class UserPage(Schema):
    items = fields.List(fields.Nested(UserOut))
    pagination = fields.Nested(PaginationOut)


class TokenOut(Schema):
    token = fields.String()
    expires_at = fields.DateTime(format="iso")
    user = fields.Nested(UserOut)


class SessionOut(Schema):
    id = fields.Integer()
    created_at = fields.DateTime(format="iso")
    last_used_at = fields.DateTime(format="iso")
    expires_at = fields.DateTime(format="iso")
    user_agent = fields.String()
    ip_address = fields.String()
    current = fields.Boolean()


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()


class RoomName(Documented):
    """A channel name: trimmed, lower-cased, 1–64 of a-z 0-9 _ - (first: a letter or digit)."""

    # Exact but for U+212A KELVIN SIGN, which str.lower() turns into "k".
    PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9_-]{0,63}\s*$"
    DESCRIPTION = (
        "1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit; surrounding "
        "spaces are trimmed and letters lower-cased"
    )

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if not ROOM_NAME_RE.match(text):
            raise ValidationError(N_("Use 1 to 64 characters: a-z, digits, '_' or '-'."))
        return text


ROOM_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class RoomCreate(StrictSchema):
    name = RoomName(required=True)
    topic = Text(
        load_default="",
        validate=validators.Length(max=250, error=N_("Use at most 250 characters.")),
    )
    private = StrictBoolean(load_default=False)


class RoomPatch(StrictSchema):
    name = RoomName()
    topic = Text(validate=validators.Length(max=250, error=N_("Use at most 250 characters.")))
    private = StrictBoolean()


class PersonOut(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String()


class RoomOut(Schema):
    id = fields.Integer()
    name = fields.String()
    topic = fields.String()
    private = fields.Boolean()
    kind = fields.String(metadata={"description": "channel or direct"})
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime(format="iso")
    member = fields.Boolean()
    last_message_id = fields.Integer()
    last_read_id = fields.Integer()
    unread = fields.Integer()
    peer = fields.Nested(PersonOut, allow_none=True, metadata={"description": "direct rooms"})


class MemberOut(PersonOut):
    role = fields.String()
    online = fields.Boolean()


class MemberIn(StrictSchema):
    user_id = StrictInteger(
        required=True, validate=validators.Range(min=1, max=2**31 - 1, error=N_("Not a valid id."))
    )


class MessageOut(Schema):
    id = fields.Integer()
    room = fields.Integer()
    room_name = fields.String()
    seq = fields.Integer()
    author = fields.Nested(PersonOut, allow_none=True)
    message = fields.String()
    created_at = fields.String()
    edited_at = fields.String(allow_none=True)
    deleted = fields.Boolean()
    client_id = fields.String(allow_none=True)


class MessageIn(StrictSchema):
    message = Text(required=True)
    client_id = Text(
        validate=validators.Length(
            min=1, max=64, error=N_("client_id must be text of 1 to 64 characters.")
        )
    )


class MessageEdit(StrictSchema):
    message = Text(required=True)


class HistoryQuery(Schema):
    """Scroll back with `before`, catch up with `after`; at most 200 a page."""

    class Meta:
        unknown = EXCLUDE

    before = StrictInteger(
        validate=validators.Range(min=1, max=2**31 - 1, error=N_("Not a valid id."))
    )
    after = StrictInteger(
        validate=validators.Range(min=0, max=2**31 - 1, error=N_("Not a valid id."))
    )
    limit = StrictInteger(
        load_default=50,
        validate=validators.Range(min=1, max=200, error=N_("Use a limit from 1 to 200.")),
    )

    @pre_load
    def _numbers(self, data: Any, **kwargs: Any) -> Any:
        return _digits_to_int(data)


def _digits_to_int(data: Any) -> dict:
    """Query strings carry text: turn digit strings into numbers before strict checks."""
    return {k: int(v) if _ascii_digits(v) else v for k, v in dict(data).items()}


def _ascii_digits(value: Any) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12
