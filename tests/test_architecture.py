"""The architecture, checked: the core never imports Qt, and only the search package
imports Whoosh (it is frozen code we own, kept behind one API)."""

from __future__ import annotations

import ast
from pathlib import Path

READER = Path(__file__).resolve().parent.parent / "reader"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules_under(folder: Path) -> dict[Path, set[str]]:
    return {p: imported_modules(p) for p in sorted(folder.rglob("*.py"))}


def test_the_core_never_imports_qt() -> None:
    offenders = {
        str(p.relative_to(READER)): sorted(
            m
            for m in mods
            if m.split(".")[0] in {"PySide6", "shiboken6", "reader.ui"} or m.startswith("reader.ui")
        )
        for p, mods in modules_under(READER / "core").items()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_search_package_imports_whoosh() -> None:
    offenders = [
        str(p.relative_to(READER))
        for p, mods in modules_under(READER).items()
        if any(m.split(".")[0] == "whoosh" for m in mods)
        and (READER / "core" / "search") not in p.parents
    ]
    assert offenders == []


def test_only_the_core_touches_sqlite() -> None:
    offenders = [
        str(p.relative_to(READER))
        for p, mods in modules_under(READER).items()
        if "sqlite3" in mods and (READER / "core") not in p.parents
    ]
    assert offenders == []


def test_the_checks_see_real_imports() -> None:
    # Guard against the checks above passing because they read nothing.
    assert "whoosh" in {m.split(".")[0] for m in imported_modules(READER / "core/search/index.py")}
    assert "sqlite3" in imported_modules(READER / "core/store/db.py")


def test_the_window_and_the_command_line_go_through_the_library() -> None:
    # Only the core's facade (and its plain models) are used outside the core: never the
    # store, the index or the importers directly.
    inner = ("reader.core.store", "reader.core.search", "reader.core.ingest")
    outside = [p for p in READER.rglob("*.py") if (READER / "core") not in p.parents]
    assert len(outside) > 10
    offenders = {
        str(p.relative_to(READER)): sorted(m for m in imported_modules(p) if m.startswith(inner))
        for p in outside
    }
    assert {k: v for k, v in offenders.items() if v} == {}
