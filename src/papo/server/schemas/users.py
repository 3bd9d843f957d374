"""Accounts, sessions and pages of users: what the auth and users routes take and answer."""

from __future__ import annotations

from typing import Any

from apiflask import Schema, fields, validators
from marshmallow import EXCLUDE, pre_load

from ...rules import (
    LOGIN_USERNAME_MAX,
    PAGE_MAX,
    PASSWORD_MAX,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    SEARCH_MAX,
)
from ..i18n import N_
from .fields import (
    Name,
    StrictBoolean,
    StrictInteger,
    StrictSchema,
    Text,
    Username,
    digits_to_int,
    new_password,
    optional_age,
    too_long,
)

ROLES = ["admin", "member"]


def _role(**kwargs: Any) -> Text:
    return Text(validate=validators.OneOf(ROLES, error=N_("Choose admin or member.")), **kwargs)


class RegisterIn(StrictSchema):
    username = Username(required=True)
    password = new_password(required=True)
    name = Name(required=True)
    age = optional_age()


class LoginIn(StrictSchema):
    username = too_long(LOGIN_USERNAME_MAX, required=True)
    password = too_long(PASSWORD_MAX, required=True)


class UserCreate(RegisterIn):
    role = _role(load_default="member")
    active = StrictBoolean(load_default=True)


class UserPatch(StrictSchema):
    """PATCH: any subset of the editable fields."""

    name = Name()
    age = optional_age()
    role = _role()
    active = StrictBoolean()
    password = new_password()
    current_password = too_long(PASSWORD_MAX)


class UserReplace(UserPatch):
    """PUT: the editable profile as a whole (name required; a missing age clears it)."""

    name = Name(required=True)


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
        validate=validators.Range(min=1, max=PAGE_MAX, error=N_("Use a page number from 1.")),
    )
    per_page = StrictInteger(
        load_default=PER_PAGE_DEFAULT,
        validate=validators.Range(min=1, max=PER_PAGE_MAX, error=N_("Use 1 to 100 per page.")),
    )

    @pre_load
    def _numbers(self, data: Any, **kwargs: Any) -> Any:
        return digits_to_int(data)


class UserQuery(PageQuery):
    q = too_long(SEARCH_MAX, load_default="")


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
