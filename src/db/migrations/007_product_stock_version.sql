-- Stock edits carry the version they were read at: every change of a product's stock (an
-- order, a cancellation, an edit) moves this on, so an edit made from a stale read is refused.
ALTER TABLE products ADD COLUMN stock_version INTEGER NOT NULL DEFAULT 0;

-- A flash sale that sold out ends at once (ends_at = then); until its scheduled end (held_until)
-- an order that names no price is still told sold out, while one that names the regular price
-- (the viewer saw it) is sold at it.
ALTER TABLE flash_sales ADD COLUMN held_until INTEGER;
