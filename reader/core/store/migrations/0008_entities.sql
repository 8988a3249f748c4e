-- 0008: the people, places and organisations an article names (derived data: found
-- again from the text whenever the text, the recogniser or the name table changes).

CREATE TABLE entity_runs (
    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_hash  TEXT NOT NULL,
    -- the recogniser's version and the name table it used (a digest of both)
    gazetteer     TEXT NOT NULL
);

CREATE TABLE article_entities (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    -- person | place | organisation
    kind        TEXT NOT NULL,
    -- the name table's key, or "~" and the name of a speaker the table does not know
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    mentions    INTEGER NOT NULL,
    first       INTEGER NOT NULL,
    PRIMARY KEY (article_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX article_entities_key ON article_entities(kind, key);
