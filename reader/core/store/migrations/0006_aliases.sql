-- 0006: the user's changes to the table of name spellings (resources/aliases.yaml ships
-- the rest): a name added to a group (a new group when its key is new), or a shipped
-- name taken out of one (removed = 1). Searched names only: nothing to re-index.

CREATE TABLE aliases (
    key       TEXT NOT NULL,
    name      TEXT NOT NULL,
    -- person | place | organisation (for a new group)
    kind      TEXT,
    removed   INTEGER NOT NULL DEFAULT 0,
    -- the order the changes were made in (names are listed in it)
    seq       INTEGER NOT NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (key, name)
) WITHOUT ROWID;
