"""Numbered schema migrations, kept as SQL text in ``migrations/NNNN_name.sql``.

``PRAGMA user_version`` records the last migration applied. Each migration runs in one
transaction together with the version bump, so a library is never half-migrated. Before
an existing library is migrated, a backup copy is written beside it.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from reader.core.errors import LibraryError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_FK_OFF = re.compile(r"^-- foreign_keys: off$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str

    @property
    def foreign_keys_off(self) -> bool:
        """A migration that rebuilds a table says ``-- foreign_keys: off`` in its header:
        foreign keys are switched off around its transaction (dropping the old table must
        not cascade) and checked before it commits."""
        return _FK_OFF.search(self.sql) is not None


def load_migrations() -> list[Migration]:
    folder = resources.files("reader.core.store") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


MIGRATIONS = load_migrations()
SCHEMA_VERSION = MIGRATIONS[-1].number


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def ensure_supported(conn: sqlite3.Connection, db_path: Path | None) -> int:
    """Refuse, before writing anything, a database from a newer version of the app."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{db_path}: this library was written by a newer Coverage Reader "
            f"(schema {version}, this version knows up to {SCHEMA_VERSION}); "
            "please update the app. Nothing was changed."
        )
    return version


def migrate(conn: sqlite3.Connection, db_path: Path | None) -> int:
    """Bring the database to SCHEMA_VERSION; returns the version it was at before."""
    before = ensure_supported(conn, db_path)
    if before == SCHEMA_VERSION:
        return before
    if before > 0 and db_path is not None:
        backup = db_path.with_name(f"{db_path.name}.before-v{SCHEMA_VERSION}.bak")
        target = sqlite3.connect(backup)
        try:
            conn.backup(target)
        finally:
            target.close()
    for migration in MIGRATIONS[before:]:
        foreign_keys = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
        if migration.foreign_keys_off:
            conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        try:
            conn.execute("BEGIN IMMEDIATE")
            # executescript() would commit the open transaction first; run statement by
            # statement instead so that the migration and its version bump are atomic.
            for statement in _split_statements(migration.sql):
                conn.execute(statement)
            if migration.foreign_keys_off:
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise LibraryError(
                        f"{db_path}: migration {migration.number} would break "
                        f"{len(broken)} references (first: {tuple(broken[0])}); "
                        "nothing was changed"
                    )
            conn.execute(f"PRAGMA user_version = {migration.number}")
            conn.execute("COMMIT")
        except Exception:
            # SQLite may have rolled back by itself (a full disk): the error is what
            # the caller hears about, not a failed ROLLBACK.
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        finally:
            if migration.foreign_keys_off and foreign_keys:
                conn.execute("PRAGMA foreign_keys = ON")
    return before


def _split_statements(script: str) -> list[str]:
    """Split a migration script into complete statements (sqlite3.complete_statement)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise RuntimeError(f"incomplete SQL statement at the end of a migration: {buffer!r}")
    return statements
