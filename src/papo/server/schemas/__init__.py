"""Request and response schemas: the same ones validate input and document the API.

Their limits and patterns come from papo.rules, which the desktop client checks too.
"""

from ...rules import storable
from .fields import Name, RoomName, StrictSchema, Text, Username
from .rooms import (
    HistoryQuery,
    MemberIn,
    MemberOut,
    MessageEdit,
    MessageIn,
    MessageOut,
    PersonOut,
    PostedMessageOut,
    RoomCreate,
    RoomOut,
    RoomPatch,
)
from .users import (
    HealthOut,
    LoginIn,
    PageQuery,
    PaginationOut,
    RegisterIn,
    SessionOut,
    TokenOut,
    UserCreate,
    UserOut,
    UserPage,
    UserPatch,
    UserQuery,
    UserReplace,
)

__all__ = [
    "HealthOut",
    "HistoryQuery",
    "LoginIn",
    "MemberIn",
    "MemberOut",
    "MessageEdit",
    "MessageIn",
    "MessageOut",
    "Name",
    "PageQuery",
    "PaginationOut",
    "PersonOut",
    "PostedMessageOut",
    "RegisterIn",
    "RoomCreate",
    "RoomName",
    "RoomOut",
    "RoomPatch",
    "SessionOut",
    "StrictSchema",
    "Text",
    "TokenOut",
    "UserCreate",
    "UserOut",
    "UserPage",
    "UserPatch",
    "UserQuery",
    "UserReplace",
    "Username",
    "storable",
]
