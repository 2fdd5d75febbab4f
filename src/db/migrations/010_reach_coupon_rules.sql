-- rebuilds tables: foreign keys off
-- Two more ways to unlock a gated coupon: commenting before the show ('preshow') and sharing
-- the show with N friends who join through the viewer's link ('share'). The unlock list is a
-- CHECK, which cannot be altered: the table is rebuilt with the same columns and rows. Claims and
-- orders reference coupons by id: the migration runner turns foreign keys off for this file and
-- checks every reference before it commits.
CREATE TABLE coupons_v10 (
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
  unlock                      TEXT CHECK (unlock IS NULL OR unlock IN ('watch', 'chat', 'vote', 'keyword', 'preshow', 'share')),
  unlock_threshold            INTEGER CHECK (unlock_threshold IS NULL OR unlock_threshold > 0),
  keyword                     TEXT,
  uses                        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
  created_at                  INTEGER NOT NULL,
  disabled_at                 INTEGER,
  product_id                  TEXT REFERENCES products (id),
  variant_id                  TEXT REFERENCES product_variants (id),
  CHECK (kind = 'fixed' OR amount <= 100),
  CHECK (kind = 'percent' OR currency IS NOT NULL)
) STRICT;

INSERT INTO coupons_v10 (id, code, kind, amount, currency, show_id, live_only, listed, starts_at, expires_at, expires_after_show_minutes,
                         max_uses, per_viewer_limit, min_level, unlock, unlock_threshold, keyword, uses, created_at, disabled_at, product_id, variant_id)
  SELECT id, code, kind, amount, currency, show_id, live_only, listed, starts_at, expires_at, expires_after_show_minutes,
         max_uses, per_viewer_limit, min_level, unlock, unlock_threshold, keyword, uses, created_at, disabled_at, product_id, variant_id
  FROM coupons;

DROP TABLE coupons;
ALTER TABLE coupons_v10 RENAME TO coupons;
CREATE INDEX coupons_show ON coupons (show_id);
