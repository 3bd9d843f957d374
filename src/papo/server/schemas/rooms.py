"""Rooms, their members and their messages: what the rooms and messages routes take and answer."""

from __future__ import annotations

from typing import Any

from apiflask import Schema, fields, validators
from marshmallow import EXCLUDE, pre_load

from ...rules import CLIENT_ID_MAX, HISTORY_DEFAULT, HISTORY_MAX, TOPIC_MAX
from ..i18n import N_
from .fields import (
    RoomName,
    StrictBoolean,
    StrictInteger,
    StrictSchema,
    Text,
    digits_to_int,
    no_direction_controls,
    record_id,
)


def _topic(**kwargs: Any) -> Text:
    # Shown to everyone in the room's header, set by one person: no direction controls there
    # either. A message body keeps them: it is free text, and right-to-left writers use them.
    length = validators.Length(max=TOPIC_MAX, error=N_("Use at most 250 characters."))
    return Text(validate=[length, no_direction_controls], **kwargs)


class RoomCreate(StrictSchema):
    name = RoomName(required=True)
    topic = _topic(load_default="")
    private = StrictBoolean(load_default=False)


class RoomPatch(StrictSchema):
    name = RoomName()
    topic = _topic()
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
    user_id = record_id(required=True)


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


class PostedMessageOut(MessageOut):
    duplicate = fields.Boolean(
        metadata={
            "description": "true (and status 200, not 201) when this client_id was used before: "
            "the message is the one first posted with it, and nothing new was stored"
        }
    )


class MessageIn(StrictSchema):
    message = Text(required=True)
    client_id = Text(
        validate=validators.Length(
            min=1, max=CLIENT_ID_MAX, error=N_("client_id must be text of 1 to 64 characters.")
        )
    )


class MessageEdit(StrictSchema):
    message = Text(required=True)


class HistoryQuery(Schema):
    """Scroll back with `before`, catch up with `after`; at most 200 a page."""

    class Meta:
        unknown = EXCLUDE

    before = record_id()
    after = record_id(least=0)
    limit = StrictInteger(
        load_default=HISTORY_DEFAULT,
        validate=validators.Range(min=1, max=HISTORY_MAX, error=N_("Use a limit from 1 to 200.")),
    )

    @pre_load
    def _numbers(self, data: Any, **kwargs: Any) -> Any:
        return digits_to_int(data)
