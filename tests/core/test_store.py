"""The SQLite store on its own: schema, migrations, versions, identity, the index queue."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core.errors import ArticleNotFound, LibraryError
from reader.core.models import Article, ArticleDate
from reader.core.store import SCHEMA_VERSION, ImportFileRecord, Store
from reader.core.store.migrations import MIGRATIONS, _split_statements


def make(title: str = "Talks in Vladivostok", *paras: str, **meta: object) -> Article:
    return Article(
        title=title,
        paragraphs=paras or ("Leaders met on Tuesday.", "They signed documents."),
        **meta,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "library.sqlite")


def test_new_database_is_at_latest_schema_in_wal_mode_with_foreign_keys(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "articles",
        "article_versions",
        "sources",
        "tags",
        "article_tags",
        "imports",
        "import_files",
        "index_queue",
        "meta",
    } <= tables
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.integrity_check() == []


def test_every_migration_splits_into_complete_statements() -> None:
    for migration in MIGRATIONS:
        statements = _split_statements(migration.sql)
        assert statements, migration.name
        assert all(sqlite3.complete_statement(s) for s in statements)


def test_a_library_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer Coverage Reader"):
        Store(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a usable library database"):
        Store(path)


def test_add_then_identical_content_is_a_duplicate(store: Store) -> None:
    outcome, first = store.add_article(make(), origin="/a.txt", import_id=None)
    assert outcome == "imported"
    outcome, again = store.add_article(make(), origin="/elsewhere.txt", import_id=None)
    assert (outcome, again) == ("duplicate", first)
    assert store.article_count() == 1
    assert len(store.versions(first)) == 1


@pytest.mark.parametrize(
    ("key", "first", "second"),
    [
        ("url", {"url": "https://example.org/a"}, {"url": "https://example.org/a"}),
        ("external_id", {"external_id": "guid-1"}, {"external_id": "guid-1"}),
    ],
)
def test_changed_text_under_a_known_identity_becomes_a_new_version(
    store: Store, key: str, first: dict[str, str], second: dict[str, str]
) -> None:
    _, article_id = store.add_article(
        make("Old", "Old text.", **first), origin=None, import_id=None
    )
    outcome, same = store.add_article(
        make("New", "New text.", "More.", **second), origin=None, import_id=None
    )
    assert (outcome, same) == ("updated", article_id)
    article = store.get_article(article_id)
    assert article.title == "New"
    assert article.paragraphs == ("New text.", "More.")
    assert article.version == 2
    assert [v["title"] for v in store.versions(article_id)] == ["Old", "New"]


def test_same_origin_file_with_changed_text_is_a_new_version(store: Store) -> None:
    _, a = store.add_article(make("T", "One."), origin="/x/story.txt", import_id=None)
    outcome, b = store.add_article(make("T", "One, edited."), origin="/x/story.txt", import_id=None)
    assert (outcome, b) == ("updated", a)
    outcome, c = store.add_article(make("T", "Other."), origin="/x/other.txt", import_id=None)
    assert outcome == "imported" and c != a


def test_external_ids_are_scoped_by_source(store: Store) -> None:
    _, a = store.add_article(
        make("A", "x.", external_id="1", source="Feed A"), origin=None, import_id=None
    )
    outcome, b = store.add_article(
        make("B", "y.", external_id="1", source="Feed B"), origin=None, import_id=None
    )
    assert outcome == "imported" and a != b


def test_new_version_keeps_metadata_it_does_not_state(store: Store) -> None:
    _, a = store.add_article(
        make(
            "T",
            "v1.",
            url="u",
            source="Xinhua",
            dateline="BEIJING",
            date=ArticleDate(date(2019, 1, 2)),
        ),
        origin=None,
        import_id=None,
    )
    store.add_article(make("T", "v2.", url="u"), origin=None, import_id=None)
    article = store.get_article(a)
    assert (article.source, article.dateline, article.date) == (
        "Xinhua",
        "BEIJING",
        ArticleDate(date(2019, 1, 2)),
    )


def test_every_change_is_queued_for_the_index(store: Store) -> None:
    _, a = store.add_article(make(), origin=None, import_id=None)
    store.add_article(make("T2", "Other text."), origin=None, import_id=None)
    store.set_tags(a, ["trade", "energy"])
    store.delete_article(a, keep_highlights=False)
    ops = [(c.article_id, c.op) for c in store.pending_changes()]
    assert ops == [(a, "upsert"), (a + 1, "upsert"), (a, "upsert"), (a, "delete")]
    store.clear_pending(store.pending_changes()[1].queue_id)
    assert [(c.article_id, c.op) for c in store.pending_changes()] == [(a, "upsert"), (a, "delete")]
    assert store.last_pending_id() == store.pending_changes()[-1].queue_id


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    store.add_article(make("Keep", "kept."), origin=None, import_id=None)
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(make("Gone", "never stored."), origin=None, import_id=None)
        raise RuntimeError("boom")
    assert [a.title for a in store.list_articles()] == ["Keep"]
    assert len(store.pending_changes()) == 1


def test_dates_sort_correctly_across_precision_and_time_zones(store: Store) -> None:
    beijing = timezone(timedelta(hours=8))
    dates = {
        "bare day": ArticleDate(date(2018, 9, 14)),
        "evening": ArticleDate(datetime(2018, 9, 14, 21, 9)),
        # 07:00 in Beijing on the 15th is 23:00 UTC on the 14th: after the evening story
        "beijing morning": ArticleDate(datetime(2018, 9, 15, 7, 0, tzinfo=beijing)),
        "undated": None,
    }
    for title, value in dates.items():
        meta = {} if value is None else {"date": value}
        store.add_article(make(title, f"{title}.", **meta), origin=None, import_id=None)
    rows = store.list_articles(sort="date")
    assert [a.title for a in rows] == ["beijing morning", "evening", "bare day", "undated"]
    assert rows[0].date == dates["beijing morning"]
    # Oldest first follows the date index: undated articles come first there.
    assert [a.title for a in store.list_articles(sort="date", descending=False)][1:4] == [
        "bare day",
        "evening",
        "beijing morning",
    ]


def test_list_sorts_by_title_and_source_and_pages(store: Store) -> None:
    for title, source in [("b", "TASS"), ("a", None), ("c", "Xinhua")]:
        store.add_article(make(title, f"{title} body.", source=source), origin=None, import_id=None)
    assert [a.title for a in store.list_articles(sort="title", descending=False)] == ["a", "b", "c"]
    assert [a.source for a in store.list_articles(sort="source", descending=False)] == [
        "TASS",
        "Xinhua",
        None,
    ]
    assert [
        a.title for a in store.list_articles(sort="title", descending=False, limit=1, offset=1)
    ] == ["b"]


def test_read_state_and_tags(store: Store) -> None:
    _, a = store.add_article(make(tags=("Energy",)), origin=None, import_id=None)
    store.set_read(a, True)
    store.set_tags(a, ["energy", "trade"])  # same tag, other case: one tag
    article = store.get_article(a)
    assert article.is_read
    assert sorted(t.lower() for t in article.tags) == ["energy", "trade"]
    with pytest.raises(ArticleNotFound):
        store.set_read(999, True)


def test_import_log_is_a_manifest(store: Store) -> None:
    import_id = store.begin_import()
    store.log_file(
        import_id, ImportFileRecord("/a.txt", 10, "ab" * 32, "text", "imported", imported=1)
    )
    store.log_file(import_id, ImportFileRecord("/b.bin", 5, None, None, "failed", message="binary"))
    store.finish_import(import_id, "done")
    log = store.import_log(import_id)
    assert [(r["path"], r["outcome"], r["sha256"], r["size"]) for r in log] == [
        ("/a.txt", "imported", "ab" * 32, 10),
        ("/b.bin", "failed", None, 5),
    ]
    assert log[1]["message"] == "binary"


def test_index_state_lists_current_hashes(store: Store) -> None:
    _, a = store.add_article(make("T", "one.", url="u"), origin=None, import_id=None)
    store.add_article(make("T", "two.", url="u"), origin=None, import_id=None)
    assert store.index_state() == {a: store.get_article(a).content_hash}
    assert store.get_article(a).content_hash == make("T", "two.").content_hash


def test_an_older_library_is_upgraded_with_a_backup_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in _split_statements(MIGRATIONS[0].sql):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO articles(id, title, added_at, updated_at) "
        "VALUES (1, 'Old', '2020-01-01T00:00:00+00:00', '2020-01-01T00:00:00+00:00')"
    )
    conn.execute(
        "INSERT INTO article_versions(id, article_id, number, content_hash, title, body, "
        "created_at) VALUES (1, 1, 1, 'h', 'Old', 'Body.', '2020-01-01T00:00:00+00:00')"
    )
    conn.execute("UPDATE articles SET current_version_id = 1")
    conn.close()

    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION > 1
    assert store.get_article(1).paragraphs == ("Body.",)
    backup = path.with_name(f"library.sqlite.before-v{SCHEMA_VERSION}.bak")
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT title FROM articles").fetchall() == [("Old",)]


def test_upgrade_to_stable_numbers_keeps_every_row_reference_and_trigger(tmp_path: Path) -> None:
    """Migration 4 rebuilds articles and highlights (AUTOINCREMENT): every row, every
    reference and the index-queue triggers survive; nothing cascades away."""
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    for migration in MIGRATIONS[:3]:
        for statement in _split_statements(migration.sql):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    at = "2020-01-01T00:00:00+00:00"
    conn.execute("INSERT INTO sources(id, name) VALUES (1, 'Xinhua')")
    conn.execute("INSERT INTO tags(id, name) VALUES (1, 'energy')")
    for n in (1, 2, 5):
        conn.execute(
            "INSERT INTO articles(id, title, url, source_id, language, added_at, updated_at) "
            "VALUES (?, ?, ?, 1, 'en', ?, ?)",
            (n, f"Article {n}", f"https://example.org/{n}", at, at),
        )
        conn.execute(
            "INSERT INTO article_versions(id, article_id, number, content_hash, title, body, "
            "created_at) VALUES (?, ?, 1, ?, ?, 'Gas. Oil.', ?)",
            (10 + n, n, f"h{n}", f"Article {n}", at),
        )
        conn.execute("UPDATE articles SET current_version_id = ? WHERE id = ?", (10 + n, n))
    conn.execute("INSERT INTO article_tags(article_id, tag_id) VALUES (5, 1)")
    for hid, article in ((3, 5), (7, None)):  # one anchored, one orphan
        conn.execute(
            "INSERT INTO highlights(id, uid, article_id, version_id, origin_version_id, color, "
            'note, exact, start, "end", article_title, created_at, modified_at) '
            "VALUES (?, ?, ?, ?, ?, 'green', 'n', 'Gas.', 0, 4, 'Article 5', ?, ?)",
            (hid, f"u{hid}", article, 15 if article else None, 15 if article else None, at, at),
        )
    conn.execute("INSERT INTO highlight_tags(highlight_id, tag) VALUES (3, 'quote')")
    conn.execute("DELETE FROM index_queue")
    tables = ["articles", "article_versions", "article_tags", "highlights", "highlight_tags"]
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}

    def rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
        names = ", ".join(f'"{c}"' for c in columns[table])  # later migrations add some
        return conn.execute(f"SELECT {names} FROM {table} ORDER BY 1, 2").fetchall()

    before = {t: rows(conn, t) for t in tables}
    conn.close()

    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION >= 4
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    after = {t: rows(conn, t) for t in tables}
    assert after == before
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert len(triggers) == 5
    # The triggers still queue re-indexing, and the references still cascade.
    conn.execute("UPDATE highlights SET note = 'changed' WHERE id = 3")
    conn.execute("DELETE FROM highlight_tags WHERE highlight_id = 3")
    assert conn.execute("SELECT article_id, op FROM index_queue").fetchall() == [
        (5, "upsert"),
        (5, "upsert"),
    ]
    conn.execute("DELETE FROM articles WHERE id = 5")
    assert conn.execute("SELECT article_id FROM highlights WHERE id = 3").fetchone() == (None,)
    versions = conn.execute("SELECT count(*) FROM article_versions WHERE article_id = 5")
    assert versions.fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM article_tags").fetchone() == (0,)
    # The highest number ever used stays used.
    conn.execute("INSERT INTO articles(title, added_at, updated_at) VALUES ('New', ?, ?)", (at, at))
    assert conn.execute("SELECT max(id) FROM articles").fetchone() == (6,)
    conn.close()
