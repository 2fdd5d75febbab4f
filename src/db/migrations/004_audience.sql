-- The audience in real time: chat and its moderation, polls, questions and demo requests,
-- watch sessions (presence, watch time). Loyalty is computed per host from these and orders.
ALTER TABLE shows ADD COLUMN host TEXT NOT NULL DEFAULT '';

CREATE TABLE chat_messages (
  id          TEXT PRIMARY KEY,
  show_id     TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id   TEXT NOT NULL REFERENCES viewers (id),
  text        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  stream_ms   INTEGER,
  deleted_at  INTEGER,
  deleted_by  TEXT
) STRICT;

CREATE INDEX chat_messages_show ON chat_messages (show_id, at);
CREATE INDEX chat_messages_viewer ON chat_messages (viewer_id, show_id);

-- a ban has no show (it holds in every show) and no end; a timeout has both
CREATE TABLE chat_sanctions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  viewer_id   TEXT NOT NULL REFERENCES viewers (id),
  show_id     TEXT REFERENCES shows (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('ban', 'timeout')),
  until       INTEGER,
  created_at  INTEGER NOT NULL,
  lifted_at   INTEGER
) STRICT;

CREATE INDEX chat_sanctions_viewer ON chat_sanctions (viewer_id);

CREATE TABLE moderators (
  viewer_id   TEXT PRIMARY KEY REFERENCES viewers (id),
  granted_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE chat_settings (
  show_id            TEXT PRIMARY KEY REFERENCES shows (id) ON DELETE CASCADE,
  slow_mode_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
  links_allowed      INTEGER NOT NULL DEFAULT 0,
  pinned_message_id  TEXT
) STRICT;

CREATE TABLE polls (
  id          TEXT PRIMARY KEY,
  show_id     TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  question    TEXT NOT NULL,
  options     TEXT NOT NULL,
  on_overlay  INTEGER NOT NULL,
  opened_at   INTEGER NOT NULL,
  closed_at   INTEGER
) STRICT;

CREATE INDEX polls_show ON polls (show_id, opened_at);

CREATE TABLE poll_votes (
  poll_id       TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
  viewer_id     TEXT NOT NULL REFERENCES viewers (id),
  option_index  INTEGER NOT NULL CHECK (option_index >= 0),
  at            INTEGER NOT NULL,
  PRIMARY KEY (poll_id, viewer_id)
) STRICT;

CREATE INDEX poll_votes_viewer ON poll_votes (viewer_id);

CREATE TABLE questions (
  id           TEXT PRIMARY KEY,
  show_id      TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id    TEXT NOT NULL REFERENCES viewers (id),
  kind         TEXT NOT NULL CHECK (kind IN ('question', 'demo')),
  text         TEXT NOT NULL,
  product_id   TEXT REFERENCES products (id),
  at           INTEGER NOT NULL,
  answered_at  INTEGER
) STRICT;

CREATE INDEX questions_show ON questions (show_id, answered_at);

CREATE TABLE question_votes (
  question_id  TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  viewer_id    TEXT NOT NULL REFERENCES viewers (id),
  PRIMARY KEY (question_id, viewer_id)
) STRICT;

-- one row per signed-in viewer's visit; last_seen_at moves on while they stay
CREATE TABLE watch_sessions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  show_id       TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id     TEXT NOT NULL REFERENCES viewers (id),
  joined_at     INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX watch_sessions_viewer ON watch_sessions (viewer_id, show_id);
ALTER TABLE shows ADD COLUMN scheduled_at INTEGER;

-- the products a show will present, in order
CREATE TABLE show_lineup (
  show_id     TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  product_id  TEXT NOT NULL REFERENCES products (id),
  position    INTEGER NOT NULL,
  PRIMARY KEY (show_id, product_id)
) STRICT;
