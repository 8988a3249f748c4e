-- 0004: article and highlight numbers are never used twice. People script with them
-- (`coverage-reader show 42`) and undo restores a deleted article under its old number;
-- with plain rowids, deleting the newest article handed its number to the next import.
-- SQLite cannot add AUTOINCREMENT to a table, so both tables are rebuilt, following
-- SQLite's own procedure (https://www.sqlite.org/lang_altertable.html#otheralter):
-- foreign keys off for the copy, checked before the commit.
-- foreign_keys: off

CREATE TABLE articles_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    current_version_id  INTEGER REFERENCES article_versions(id) DEFERRABLE INITIALLY DEFERRED,
    -- identity keys: a re-import with the same url, external id or origin is a new version
    url                 TEXT,
    external_id         TEXT,
    origin              TEXT,
    -- metadata of the current version, denormalised for the article list
    title               TEXT NOT NULL,
    date                TEXT,
    sort_date           TEXT,
    source_id           INTEGER REFERENCES sources(id),
    dateline            TEXT,
    author              TEXT,
    language            TEXT,
    title_derived       INTEGER NOT NULL DEFAULT 0,
    is_read             INTEGER NOT NULL DEFAULT 0,
    read_at             TEXT,
    added_at            TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
INSERT INTO articles_new(id, current_version_id, url, external_id, origin, title, date,
        sort_date, source_id, dateline, author, language, title_derived, is_read, read_at,
        added_at, updated_at)
    SELECT id, current_version_id, url, external_id, origin, title, date, sort_date,
        source_id, dateline, author, language, title_derived, is_read, read_at, added_at,
        updated_at
    FROM articles;
DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;
CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
CREATE INDEX articles_external_id ON articles(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX articles_origin ON articles(origin) WHERE origin IS NOT NULL;
CREATE INDEX articles_sort_date ON articles(sort_date, id);
CREATE INDEX articles_title ON articles(title COLLATE NOCASE, id);
CREATE INDEX articles_source ON articles(source_id, sort_date);

CREATE TABLE highlights_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    -- stable identity across libraries (exported as urn:uuid:…)
    uid                TEXT NOT NULL UNIQUE,
    article_id         INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    version_id         INTEGER REFERENCES article_versions(id) ON DELETE SET NULL,
    origin_version_id  INTEGER REFERENCES article_versions(id) ON DELETE SET NULL,
    color              TEXT NOT NULL
                       CHECK (color IN ('yellow', 'green', 'blue', 'pink', 'purple')),
    note               TEXT NOT NULL DEFAULT '',
    exact              TEXT NOT NULL,
    prefix             TEXT NOT NULL DEFAULT '',
    suffix             TEXT NOT NULL DEFAULT '',
    start              INTEGER NOT NULL,
    "end"              INTEGER NOT NULL,
    -- exact | moved | fuzzy | orphan
    anchor             TEXT NOT NULL DEFAULT 'exact',
    confidence         REAL NOT NULL DEFAULT 1.0,
    article_title      TEXT NOT NULL DEFAULT '',
    article_source     TEXT,
    article_date       TEXT,
    article_url        TEXT,
    article_hash       TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    modified_at        TEXT NOT NULL
);
INSERT INTO highlights_new(id, uid, article_id, version_id, origin_version_id, color, note,
        exact, prefix, suffix, start, "end", anchor, confidence, article_title,
        article_source, article_date, article_url, article_hash, created_at, modified_at)
    SELECT id, uid, article_id, version_id, origin_version_id, color, note, exact, prefix,
        suffix, start, "end", anchor, confidence, article_title, article_source,
        article_date, article_url, article_hash, created_at, modified_at
    FROM highlights;
-- The triggers on highlight_tags name highlights; they must not point at a missing table.
DROP TRIGGER highlight_tags_queue_insert;
DROP TRIGGER highlight_tags_queue_delete;
DROP TABLE highlights;
ALTER TABLE highlights_new RENAME TO highlights;
CREATE INDEX highlights_article ON highlights(article_id, start);
CREATE INDEX highlights_anchor ON highlights(anchor);

-- Dropping the old table dropped its triggers (0003); all five come back unchanged.
CREATE TRIGGER highlights_queue_insert AFTER INSERT ON highlights
WHEN NEW.article_id IS NOT NULL
BEGIN
    INSERT INTO index_queue(article_id, op) VALUES (NEW.article_id, 'upsert');
END;

CREATE TRIGGER highlights_queue_update AFTER UPDATE ON highlights
BEGIN
    INSERT INTO index_queue(article_id, op)
        SELECT NEW.article_id, 'upsert' WHERE NEW.article_id IS NOT NULL;
    INSERT INTO index_queue(article_id, op)
        SELECT OLD.article_id, 'upsert'
        WHERE OLD.article_id IS NOT NULL AND OLD.article_id IS NOT NEW.article_id;
END;

CREATE TRIGGER highlights_queue_delete AFTER DELETE ON highlights
WHEN OLD.article_id IS NOT NULL
BEGIN
    INSERT INTO index_queue(article_id, op) VALUES (OLD.article_id, 'upsert');
END;

CREATE TRIGGER highlight_tags_queue_insert AFTER INSERT ON highlight_tags
BEGIN
    INSERT INTO index_queue(article_id, op)
        SELECT article_id, 'upsert' FROM highlights
        WHERE id = NEW.highlight_id AND article_id IS NOT NULL;
END;

CREATE TRIGGER highlight_tags_queue_delete AFTER DELETE ON highlight_tags
BEGIN
    INSERT INTO index_queue(article_id, op)
        SELECT article_id, 'upsert' FROM highlights
        WHERE id = OLD.highlight_id AND article_id IS NOT NULL;
END;
