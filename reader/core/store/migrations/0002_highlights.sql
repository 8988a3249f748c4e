-- 0002: highlights — the user's own work. Each highlight belongs to one article version
-- (the one it is currently anchored to) and remembers the version it was made on.
-- Article metadata is copied into the highlight so that an orphan (its article deleted,
-- or its text gone from a new version) can still be shown, cited and exported.

CREATE TABLE highlights (
    id                 INTEGER PRIMARY KEY,
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
CREATE INDEX highlights_article ON highlights(article_id, start);
CREATE INDEX highlights_anchor ON highlights(anchor);

CREATE TABLE highlight_tags (
    highlight_id  INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
    tag           TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (highlight_id, tag)
) WITHOUT ROWID;
CREATE INDEX highlight_tags_tag ON highlight_tags(tag);
