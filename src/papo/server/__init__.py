"""Papo's server: REST API and Socket.IO chat on Flask."""

from .app import create_app
from .config import Config

__all__ = ["Config", "create_app"]
