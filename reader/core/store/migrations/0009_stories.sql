-- 0009: the same story across outlets. Each article's MinHash signatures (derived data,
-- made again from the text), the locality-sensitive buckets that find candidates
-- without comparing every pair, and the pairs found related: copy (near-duplicate
-- text) or event (the same event, dated within days).

CREATE TABLE story_signatures (
    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_hash  TEXT NOT NULL,
    version       INTEGER NOT NULL,
    copy_sig      BLOB NOT NULL,
    event_sig     BLOB NOT NULL,
    -- the article's day (ISO), for the event relation
    day           TEXT
);

CREATE TABLE story_buckets (
    relation    TEXT NOT NULL,
    band        INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    -- bucket first: a lookup is `bucket IN (…)` (a bucket's hash includes its band)
    PRIMARY KEY (relation, bucket, band, article_id)
) WITHOUT ROWID;
CREATE INDEX story_buckets_article ON story_buckets(article_id);

CREATE TABLE story_links (
    a           INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    b           INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    relation    TEXT NOT NULL,
    similarity  REAL NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX story_links_b ON story_links(b);
