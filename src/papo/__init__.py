"""Papo: a self-hosted team chat with user administration."""

__version__ = "0.1.0"
