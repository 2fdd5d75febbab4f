-- Shop the replay: demo clips cut from the recording while the show runs, the words viewers
-- use for a product in chat (aliases, for the post-show report), and a recording that can be
-- deleted while the show's data (timeline, chat, orders) stays.

CREATE TABLE clips (
  id           TEXT PRIMARY KEY,
  show_id      TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  product_id   TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  -- the pin span it shows, in stream time (ms since the show went live)
  start_ms     INTEGER NOT NULL CHECK (start_ms >= 0),
  end_ms       INTEGER NOT NULL CHECK (end_ms > start_ms),
  -- pending: being cut; ready: its files exist; failed: error says why; deleted: its
  -- recording was deleted (by the merchant or the retention sweep), the row stays
  status       TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'failed', 'deleted')),
  -- the media actually cut (whole segments): its duration and the MP4's size
  duration_ms  INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
  bytes        INTEGER CHECK (bytes IS NULL OR bytes >= 0),
  error        TEXT,
  created_at   INTEGER NOT NULL,
  ready_at     INTEGER
) STRICT;

CREATE INDEX clips_product ON clips (product_id, created_at);
CREATE INDEX clips_show ON clips (show_id, start_ms);

-- what viewers call a product in chat besides its title and SKU ("dotted gauze")
CREATE TABLE product_aliases (
  product_id  TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  alias       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (product_id, alias)
) STRICT;

-- set when the show's media (segments, playlists, clips) was deleted; the show stays
ALTER TABLE shows ADD COLUMN recording_deleted_at INTEGER;
