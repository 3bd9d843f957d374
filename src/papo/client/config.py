"""Preferences kept between runs: the last server, username, theme and language (never a
password)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from platformdirs import user_config_dir

from .api import DEFAULT_SERVER

log = logging.getLogger(__name__)
CONFIG_DIR_ENV = "PAPO_CLIENT_CONFIG_DIR"
FILE_NAME = "client.json"


def config_dir() -> Path:
    """Where the preferences live: $PAPO_CLIENT_CONFIG_DIR, or the platform's config folder."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(user_config_dir("papo", appauthor=False))


@dataclass
class Prefs:
    """What the client remembers."""

    server: str = DEFAULT_SERVER
    username: str = ""
    theme: str = "light"
    language: str = ""  # "en", "pt_BR", or "" to follow the system

    @classmethod
    def load(cls, folder: Path | None = None) -> Prefs:
        """Read the preferences; a missing or damaged file gives the defaults."""
        path = (folder or config_dir()) / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable preferences %s: %s", path, exc)
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known and isinstance(v, str)}
        return cls(**values)

    def save(self, folder: Path | None = None) -> None:
        """Write the preferences (readable by this user only)."""
        folder = folder or config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILE_NAME
        draft = path.with_suffix(".tmp")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, indent=2)
        draft.replace(path)
