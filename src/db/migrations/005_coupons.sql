-- Coupons: fixed or percent, time-limited, capped, live-only promo codes, engagement-gated and
-- first-N keyword vouchers, an optional loyalty level; claims of gated ones; orders that used one.
CREATE TABLE coupons (
  id                          TEXT PRIMARY KEY,
  code                        TEXT NOT NULL COLLATE NOCASE UNIQUE,
  kind                        TEXT NOT NULL CHECK (kind IN ('fixed', 'percent')),
  amount                      INTEGER NOT NULL CHECK (amount > 0),
  currency                    TEXT CHECK (currency IS NULL OR length(currency) = 3),
  show_id                     TEXT REFERENCES shows (id) ON DELETE CASCADE,
  live_only                   INTEGER NOT NULL DEFAULT 0,
  listed                      INTEGER NOT NULL DEFAULT 1,
  starts_at                   INTEGER,
  expires_at                  INTEGER,
  expires_after_show_minutes  INTEGER CHECK (expires_after_show_minutes IS NULL OR expires_after_show_minutes >= 0),
  max_uses                    INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
  per_viewer_limit            INTEGER NOT NULL DEFAULT 1 CHECK (per_viewer_limit > 0),
  min_level                   INTEGER NOT NULL DEFAULT 0 CHECK (min_level >= 0),
  unlock                      TEXT CHECK (unlock IS NULL OR unlock IN ('watch', 'chat', 'vote', 'keyword')),
  unlock_threshold            INTEGER CHECK (unlock_threshold IS NULL OR unlock_threshold > 0),
  keyword                     TEXT,
  uses                        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
  created_at                  INTEGER NOT NULL,
  disabled_at                 INTEGER,
  CHECK (kind = 'fixed' OR amount <= 100),
  CHECK (kind = 'percent' OR currency IS NOT NULL)
) STRICT;

CREATE INDEX coupons_show ON coupons (show_id);

CREATE TABLE coupon_claims (
  coupon_id  TEXT NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
  viewer_id  TEXT NOT NULL REFERENCES viewers (id),
  show_id    TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  PRIMARY KEY (coupon_id, viewer_id)
) STRICT;

ALTER TABLE orders ADD COLUMN coupon_id TEXT REFERENCES coupons (id);
ALTER TABLE orders ADD COLUMN discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0);
CREATE INDEX orders_coupon_viewer ON orders (coupon_id, viewer_id);
