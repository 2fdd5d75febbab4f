-- Product suggestions fans make before a show goes live, and their votes (one per viewer).
-- Comments before the show need nothing new: they are the chat lines stored before
-- shows.started_at (or while it is still null).

CREATE TABLE suggestions (
  id          TEXT PRIMARY KEY,
  show_id     TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id   TEXT NOT NULL REFERENCES viewers (id),
  text        TEXT NOT NULL,
  -- a catalog product the fan votes for; a product deleted later leaves the text
  product_id  TEXT REFERENCES products (id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  -- the merchant hid it: no longer listed nor voted on, kept for the record
  hidden_at   INTEGER
) STRICT;

CREATE INDEX suggestions_show ON suggestions (show_id, hidden_at);
CREATE INDEX suggestions_viewer ON suggestions (viewer_id, show_id);

CREATE TABLE suggestion_votes (
  suggestion_id  TEXT NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
  viewer_id      TEXT NOT NULL REFERENCES viewers (id),
  at             INTEGER NOT NULL,
  PRIMARY KEY (suggestion_id, viewer_id)
) STRICT;
