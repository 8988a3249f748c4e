-- 0003: highlights, notes and their tags are searchable, so every change to them must
-- reach the search index. Triggers queue the article for re-indexing in the same
-- transaction as the change itself: no code path can forget, and a crash between the
-- database commit and the index commit is finished from the queue on the next start.

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
