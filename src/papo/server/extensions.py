"""Extensions, created unbound and bound to the app in `create_app`."""

from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every Papo table."""


db = SQLAlchemy(model_class=Base)
socketio = SocketIO()
