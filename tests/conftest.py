"""Fixtures shared by every test: no test ever touches the real user's library, settings
or data folders (all are redirected into the test's tmp_path)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import ENV_LIBRARY, Library

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv(ENV_LIBRARY, str(home / "library"))


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def library(library_path: Path) -> Iterator[Library]:
    """A new library with the bundled seeds imported (as on first use)."""
    with Library.open(library_path) as lib:
        yield lib


@pytest.fixture
def empty_library(library_path: Path) -> Iterator[Library]:
    with Library.open(library_path, import_seeds=False) as lib:
        yield lib
