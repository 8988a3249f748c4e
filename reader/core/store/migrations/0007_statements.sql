-- 0007: who said what. The statements found in an article's current text (derived
-- data, like the index: the extractor can always find them again from the text), and
-- which text and which extractor version they were found in, so that a new version of
-- the article or a better extractor finds them anew.

CREATE TABLE statement_runs (
    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_hash  TEXT NOT NULL,
    extractor     INTEGER NOT NULL
);

CREATE TABLE statements (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker     TEXT NOT NULL,
    -- person | institution
    kind        TEXT NOT NULL,
    verb        TEXT NOT NULL,
    text        TEXT NOT NULL,
    -- character offsets into the article's text
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    quote       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX statements_article ON statements(article_id, start);
CREATE INDEX statements_speaker ON statements(speaker COLLATE NOCASE);
