"""The look: sv-ttk (Sun Valley) light or dark, its fonts, colours for the conversation."""

from __future__ import annotations

import tkinter as tk

import sv_ttk

THEMES = ("light", "dark")
# Fonts that sv-ttk defines (Segoe UI Variable where present, the default family elsewhere).
BODY, STRONG, CAPTION, TITLE = (
    "SunValleyBodyFont",
    "SunValleyBodyStrongFont",
    "SunValleyCaptionFont",
    "SunValleySubtitleFont",
)
PALETTE = {
    "light": {
        "text_bg": "#ffffff",
        "text_fg": "#1c1c1c",
        "muted": "#6b6b6b",
        "own_bg": "#e8f1fb",
        "accent": "#005fb8",
        "marker": "#c42b1c",
        "link": "#0067c0",
        "online": "#0f7b0f",
    },
    "dark": {
        "text_bg": "#1c1c1c",
        "text_fg": "#f0f0f0",
        "muted": "#a0a0a0",
        "own_bg": "#21303f",
        "accent": "#57c8ff",
        "marker": "#ff99a4",
        "link": "#76b9ed",
        "online": "#6ccb5f",
    },
}


def apply(root: tk.Tk, theme: str) -> str:
    """Use the sv-ttk theme `theme` ("light" or "dark") on `root`; return the theme used."""
    theme = theme if theme in THEMES else "light"
    sv_ttk.set_theme(theme, root)
    return theme


def colours(theme: str) -> dict[str, str]:
    """The conversation's colours for `theme`."""
    return PALETTE.get(theme, PALETTE["light"])
