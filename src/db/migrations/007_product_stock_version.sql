-- Stock edits carry the version they were read at: every change of a product's stock (an
-- order, a cancellation, an edit) moves this on, so an edit made from a stale read is refused.
ALTER TABLE products ADD COLUMN stock_version INTEGER NOT NULL DEFAULT 0;
