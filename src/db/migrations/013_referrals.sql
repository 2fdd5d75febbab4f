-- Share links with attribution (issue 16). A viewer's referral code in a show; the browsers
-- ("devices") Hawker has seen, known only by the SHA-256 of their hawker_device cookie; which
-- viewers were seen on which device; every visit that came through a code; and the code that
-- brought each viewer to a show. No address, no name, nothing of the friend beyond these ids.
CREATE TABLE referral_codes (
  code        TEXT PRIMARY KEY,
  show_id     TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id   TEXT NOT NULL REFERENCES viewers (id),
  created_at  INTEGER NOT NULL,
  UNIQUE (show_id, viewer_id)
) STRICT;

CREATE TABLE referral_devices (
  hash           TEXT PRIMARY KEY,
  first_seen_at  INTEGER NOT NULL
) STRICT;

-- a viewer's token presented from a device (a page load or a share): whose browser it is
CREATE TABLE referral_device_viewers (
  device_hash    TEXT NOT NULL REFERENCES referral_devices (hash),
  viewer_id      TEXT NOT NULL REFERENCES viewers (id),
  first_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (device_hash, viewer_id)
) STRICT;

CREATE INDEX referral_device_viewers_viewer ON referral_device_viewers (viewer_id);

-- one row per page load that carried a code of this show (plain visits only touch the devices)
CREATE TABLE referral_joins (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  show_id         TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  device_hash     TEXT NOT NULL REFERENCES referral_devices (hash),
  code            TEXT REFERENCES referral_codes (code) ON DELETE CASCADE,
  viewer_id       TEXT REFERENCES viewers (id),
  at              INTEGER NOT NULL,
  counted_as_new  INTEGER NOT NULL CHECK (counted_as_new IN (0, 1)),
  -- why it was not counted as a new friend (null when it was)
  reason          TEXT,
  CHECK (counted_as_new = 0 OR code IS NOT NULL)
) STRICT;

CREATE INDEX referral_joins_code ON referral_joins (code, counted_as_new);
CREATE INDEX referral_joins_device ON referral_joins (device_hash, show_id);
-- a device is a new friend once, for one referrer, ever
CREATE UNIQUE INDEX referral_joins_one_credit ON referral_joins (device_hash) WHERE counted_as_new = 1;

-- the first code that brought a viewer to a show: their orders in it count for that code
CREATE TABLE referral_attributions (
  show_id    TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id  TEXT NOT NULL REFERENCES viewers (id),
  code       TEXT NOT NULL REFERENCES referral_codes (code) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  PRIMARY KEY (show_id, viewer_id)
) STRICT;

CREATE INDEX referral_attributions_code ON referral_attributions (code);
