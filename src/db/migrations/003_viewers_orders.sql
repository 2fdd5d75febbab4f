-- Viewers, orders that never oversell, the webhook outbox and its delivery log.
CREATE TABLE viewers (
  id            TEXT PRIMARY KEY,
  display_name  TEXT NOT NULL,
  token_hash    TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
  id               TEXT PRIMARY KEY,
  show_id          TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id        TEXT NOT NULL REFERENCES viewers (id),
  product_id       TEXT NOT NULL REFERENCES products (id),
  flash_sale_id    TEXT REFERENCES flash_sales (id),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price       INTEGER NOT NULL CHECK (unit_price >= 0),
  total            INTEGER NOT NULL CHECK (total >= 0),
  currency         TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'cancelled', 'refunded')),
  idempotency_key  TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  on_screen        TEXT NOT NULL,
  stream_ms        INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (viewer_id, idempotency_key)
) STRICT;

CREATE INDEX orders_show ON orders (show_id, created_at);
CREATE INDEX orders_sale_viewer ON orders (flash_sale_id, viewer_id);

CREATE TABLE webhook_endpoints (
  id          TEXT PRIMARY KEY,
  url         TEXT NOT NULL,
  secret      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

-- one row per event per endpoint, written in the same transaction as what it reports
CREATE TABLE webhook_outbox (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  payload          TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  delivered_at     INTEGER,
  failed_at        INTEGER
) STRICT;

CREATE INDEX webhook_outbox_due ON webhook_outbox (delivered_at, failed_at, next_attempt_at);

CREATE TABLE webhook_deliveries (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  outbox_id    INTEGER NOT NULL REFERENCES webhook_outbox (id) ON DELETE CASCADE,
  attempt      INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  status_code  INTEGER,
  error        TEXT,
  duration_ms  INTEGER NOT NULL
) STRICT;
