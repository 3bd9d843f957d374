"""Extensions, created unbound and bound to the app in `create_app`."""

from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every Papo table."""


# Objects stay readable after commit: responses and broadcasts are built from them right after,
# and reloading every expired row would cost a SELECT each (one request or event, one session).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
socketio = SocketIO()
