"""Finding bundled files (seeds, icons) in a source checkout, an installed package and a
frozen (PyInstaller) build, with one function."""

from __future__ import annotations

import sys
from pathlib import Path

import reader

_PACKAGE_DIR = Path(reader.__file__).resolve().parent


def resource_path(name: str) -> Path:
    """The folder or file ``name`` ("seeds", "resources/icons/…") wherever the app runs from.

    Looked up, in order: inside a frozen bundle (``sys._MEIPASS``), inside the installed
    package (``reader/seeds``, ``reader/resources``, mapped there by pyproject.toml) and at
    the top of a source checkout.
    """
    top, _, rest = name.partition("/")
    candidates: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / top)
    candidates.append(_PACKAGE_DIR / top)
    candidates.append(_PACKAGE_DIR.parent / top)
    for base in candidates:
        path = base / rest if rest else base
        if path.exists():
            return path
    raise FileNotFoundError(f"bundled resource {name!r} not found (looked in {candidates})")


def seed_files() -> list[Path]:
    """The articles the app ships with, in a stable order."""
    return sorted(p for p in resource_path("seeds").iterdir() if p.suffix == ".txt")
