"""Colours and themes: how the named highlight colours and the reading themes look.

Highlight colours are stored by name (yellow, green, blue, pink, purple); each theme
renders them with its own shade so that text stays readable on light and dark pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from reader.core.annotations.model import COLORS

THEMES: tuple[str, ...] = ("light", "dark", "sepia")


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    accent: str
    #: Highlight background per colour name.
    highlights: dict[str, str]
    #: Background of search hits and find matches (current match is stronger).
    hit: str
    current_hit: str

    @property
    def is_dark(self) -> bool:
        return QColor(self.background).lightnessF() < 0.5

    def highlight(self, name: str) -> QColor:
        return QColor(self.highlights.get(name, self.highlights["yellow"]))


_LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1f2328",
    muted="#59636e",
    accent="#0b5cad",
    highlights={
        "yellow": "#fff3a3",
        "green": "#c8f0c0",
        "blue": "#cfe3ff",
        "pink": "#ffd1e3",
        "purple": "#e3d4ff",
    },
    hit="#ffe08a",
    current_hit="#ffb347",
)
_DARK = Theme(
    name="dark",
    background="#1e1f22",
    text="#dcdde0",
    muted="#9a9ea6",
    accent="#79b8ff",
    highlights={
        "yellow": "#5c5214",
        "green": "#23512c",
        "blue": "#1f3f66",
        "pink": "#66253f",
        "purple": "#46306b",
    },
    hit="#7a5b00",
    current_hit="#b36b00",
)
_SEPIA = Theme(
    name="sepia",
    background="#f6efe0",
    text="#3b2f20",
    muted="#74644f",
    accent="#8a4b08",
    highlights={
        "yellow": "#f3df8a",
        "green": "#cfe2b0",
        "blue": "#c9dbe8",
        "pink": "#f2c6c9",
        "purple": "#dccbe6",
    },
    hit="#f0c060",
    current_hit="#e09a3a",
)

_THEMES = {t.name: t for t in (_LIGHT, _DARK, _SEPIA)}
assert set(_LIGHT.highlights) == set(COLORS)


def theme(name: str) -> Theme:
    """The named theme ("light", "dark", "sepia"); unknown names give light."""
    return _THEMES.get(name, _LIGHT)


def swatch(name: str, dark: bool = False) -> QColor:
    """The colour that stands for a highlight colour in lists and menus."""
    return (_DARK if dark else _LIGHT).highlight(name)
