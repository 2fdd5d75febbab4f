-- Show reminders (issue 16): a browser's Web Push subscription per show it asked to hear of.
-- The endpoint is a capability URL of the browser's push service; keys encrypt the payload.
-- sent_before_at / sent_live_at: when that push went out (or was given up on after retries),
-- so a restart neither loses nor repeats one. failures / retry_at: the push now due.
CREATE TABLE reminders (
  id              TEXT PRIMARY KEY,
  show_id         TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  endpoint        TEXT NOT NULL,
  p256dh          TEXT NOT NULL,
  auth            TEXT NOT NULL,
  minutes_before  INTEGER CHECK (minutes_before IS NULL OR minutes_before BETWEEN 1 AND 10080),
  created_at      INTEGER NOT NULL,
  sent_before_at  INTEGER,
  sent_live_at    INTEGER,
  failures        INTEGER NOT NULL DEFAULT 0,
  retry_at        INTEGER,
  UNIQUE (show_id, endpoint)
) STRICT;

-- what is still to send: the scheduler's pass reads only these
CREATE INDEX reminders_pending ON reminders (show_id) WHERE sent_live_at IS NULL;
