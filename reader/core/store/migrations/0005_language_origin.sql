-- 0005: where an article's language came from: 'declared' (the file said so and the
-- text agrees or cannot tell), 'detected' (from the text), 'user' (corrected by hand:
-- a new version of the article keeps it), 'unknown'. NULL: not looked at yet (articles
-- stored before this version); the next index rebuild detects them.

ALTER TABLE articles ADD COLUMN language_origin TEXT;
CREATE INDEX articles_language ON articles(language);
