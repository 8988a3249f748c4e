-- 0001: the first schema. SQLite is the source of truth; the search index is derived.
-- Timestamps are UTC ISO 8601 text. Article dates are ISO 8601 text as the source gave
-- them (a bare day, or a date and time, with an offset when one was given).

CREATE TABLE sources (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    -- running | done | cancelled | interrupted
    status       TEXT NOT NULL DEFAULT 'running'
);

-- The import log: one row per file per import, the reproducible manifest of the corpus.
CREATE TABLE import_files (
    id          INTEGER PRIMARY KEY,
    import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    size        INTEGER,
    sha256      TEXT,
    format      TEXT,
    -- imported | updated | duplicate | partial | failed
    outcome     TEXT NOT NULL,
    imported    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    message     TEXT,
    logged_at   TEXT NOT NULL
);
CREATE INDEX import_files_path ON import_files(path);
CREATE INDEX import_files_sha256 ON import_files(sha256);

CREATE TABLE articles (
    id                  INTEGER PRIMARY KEY,
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
CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
CREATE INDEX articles_external_id ON articles(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX articles_origin ON articles(origin) WHERE origin IS NOT NULL;
CREATE INDEX articles_sort_date ON articles(sort_date, id);
CREATE INDEX articles_title ON articles(title COLLATE NOCASE, id);
CREATE INDEX articles_source ON articles(source_id, sort_date);

-- Every version of an article's text is kept, so annotations can re-anchor.
CREATE TABLE article_versions (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    content_hash  TEXT NOT NULL,
    title         TEXT NOT NULL,
    -- paragraphs joined by a blank line: the normalised text that offsets refer to
    body          TEXT NOT NULL,
    import_id     INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (article_id, number)
);
CREATE INDEX article_versions_hash ON article_versions(content_hash);

CREATE TABLE tags (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE article_tags (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags(tag_id);

-- Changes the search index has not taken yet. Written in the same transaction as the
-- change itself; removed only after the index has committed it (crash-safe sync).
CREATE TABLE index_queue (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL,
    -- upsert | delete
    op          TEXT NOT NULL
);

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
