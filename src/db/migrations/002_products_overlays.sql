-- Products (shared by the overlay and commerce work), per-show overlay state, flash sales.
CREATE TABLE products (
  id                TEXT PRIMARY KEY,
  sku               TEXT NOT NULL UNIQUE,
  title             TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  price             INTEGER NOT NULL CHECK (price >= 0),
  currency          TEXT NOT NULL CHECK (length(currency) = 3),
  compare_at_price  INTEGER CHECK (compare_at_price IS NULL OR compare_at_price >= 0),
  stock             INTEGER NOT NULL CHECK (stock >= 0),
  has_image         INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE show_overlays (
  show_id     TEXT PRIMARY KEY REFERENCES shows (id) ON DELETE CASCADE,
  state       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE flash_sales (
  id                  TEXT PRIMARY KEY,
  show_id             TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  product_id          TEXT NOT NULL REFERENCES products (id),
  price               INTEGER NOT NULL CHECK (price >= 0),
  quantity            INTEGER NOT NULL CHECK (quantity > 0),
  remaining           INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= quantity),
  per_customer_limit  INTEGER CHECK (per_customer_limit IS NULL OR per_customer_limit > 0),
  starts_at           INTEGER NOT NULL,
  ends_at             INTEGER NOT NULL CHECK (ends_at > starts_at),
  created_at          INTEGER NOT NULL
) STRICT;

CREATE INDEX flash_sales_show ON flash_sales (show_id, starts_at);
