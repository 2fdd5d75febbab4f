-- Shows and their timeline. Shipped migrations are never edited: add a new file instead.
CREATE TABLE shows (
  id          TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended')),
  stream_key  TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  started_at  INTEGER,
  ended_at    INTEGER
) STRICT;

CREATE INDEX shows_status ON shows (status);

CREATE TABLE show_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  show_id    TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  type       TEXT NOT NULL,
  at         INTEGER NOT NULL,
  stream_ms  INTEGER,
  payload    TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX show_events_show ON show_events (show_id, id);
