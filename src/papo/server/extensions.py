"""Extensions, created unbound and bound to the app in `create_app`."""

from typing import TYPE_CHECKING

from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every Papo table."""


# Objects stay readable after commit: responses and broadcasts are built from them right after,
# and reloading every expired row would cost a SELECT each (one request or event, one session).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
socketio = SocketIO()

# The base class of Papo's tables. Flask-SQLAlchemy makes db.Model at run time, out of Base, so
# a type checker cannot see it: it checks the tables against Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
