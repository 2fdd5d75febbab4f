-- Real checkout: product options and variants (each with its own SKU, price, stock and image),
-- sales and coupons per variant, orders that hold stock until paid or expired, payment through
-- a provider, shipping, and what a viewer is asked once (contact, address).

-- [{"name": "Size", "values": ["S", "M", "L"]}, ...]: empty for a product without variants
ALTER TABLE products ADD COLUMN options TEXT NOT NULL DEFAULT '[]';

CREATE TABLE product_variants (
  id                TEXT PRIMARY KEY,
  product_id        TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  sku               TEXT NOT NULL UNIQUE,
  -- {"Size": "M", "Colour": "Red"}: one value for each of the product's options
  options           TEXT NOT NULL,
  price             INTEGER NOT NULL CHECK (price >= 0),
  compare_at_price  INTEGER CHECK (compare_at_price IS NULL OR compare_at_price >= 0),
  stock             INTEGER NOT NULL CHECK (stock >= 0),
  stock_version     INTEGER NOT NULL DEFAULT 0,
  has_image         INTEGER NOT NULL DEFAULT 0,
  position          INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE INDEX product_variants_product ON product_variants (product_id, position);

-- null: the sale (or the coupon) covers every variant of the product
ALTER TABLE flash_sales ADD COLUMN variant_id TEXT REFERENCES product_variants (id);
ALTER TABLE coupons ADD COLUMN product_id TEXT REFERENCES products (id);
ALTER TABLE coupons ADD COLUMN variant_id TEXT REFERENCES product_variants (id);

-- Asked once, remembered for the viewer across the merchant's shows.
ALTER TABLE viewers ADD COLUMN contact TEXT;
ALTER TABLE viewers ADD COLUMN shipping_address TEXT;

-- The status list grows (expired, shipped), which a CHECK cannot be altered to: the table is
-- rebuilt. Nothing references orders, so dropping the old table breaks no foreign key.
CREATE TABLE orders_v8 (
  id                TEXT PRIMARY KEY,
  show_id           TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  viewer_id         TEXT NOT NULL REFERENCES viewers (id),
  product_id        TEXT NOT NULL REFERENCES products (id),
  variant_id        TEXT REFERENCES product_variants (id),
  flash_sale_id     TEXT REFERENCES flash_sales (id),
  quantity          INTEGER NOT NULL CHECK (quantity > 0),
  unit_price        INTEGER NOT NULL CHECK (unit_price >= 0),
  discount          INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
  shipping          INTEGER NOT NULL DEFAULT 0 CHECK (shipping >= 0),
  tax               INTEGER NOT NULL DEFAULT 0 CHECK (tax >= 0),
  total             INTEGER NOT NULL CHECK (total >= 0),
  currency          TEXT NOT NULL,
  coupon_id         TEXT REFERENCES coupons (id),
  status            TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled', 'expired', 'refunded')),
  -- bought from the replay, after the show ended
  replay            INTEGER NOT NULL DEFAULT 0,
  -- a pending order holds its stock until then; null once it is paid, cancelled or expired
  hold_expires_at   INTEGER,
  payment_provider  TEXT CHECK (payment_provider IS NULL OR payment_provider IN ('manual', 'stripe')),
  -- the provider's id for the payment (a Stripe PaymentIntent id)
  payment_ref       TEXT,
  contact           TEXT,
  shipping_address  TEXT,
  carrier           TEXT,
  tracking_number   TEXT,
  paid_at           INTEGER,
  shipped_at        INTEGER,
  closed_at         INTEGER,
  idempotency_key   TEXT NOT NULL,
  request_hash      TEXT NOT NULL,
  on_screen         TEXT NOT NULL,
  stream_ms         INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  UNIQUE (viewer_id, idempotency_key)
) STRICT;

INSERT INTO orders_v8 (id, show_id, viewer_id, product_id, flash_sale_id, quantity, unit_price, discount, total, currency,
  coupon_id, status, idempotency_key, request_hash, on_screen, stream_ms, created_at, updated_at)
SELECT id, show_id, viewer_id, product_id, flash_sale_id, quantity, unit_price, discount, total, currency,
  coupon_id, status, idempotency_key, request_hash, on_screen, stream_ms, created_at, updated_at
FROM orders;

DROP TABLE orders;
ALTER TABLE orders_v8 RENAME TO orders;

CREATE INDEX orders_show ON orders (show_id, created_at);
CREATE INDEX orders_sale_viewer ON orders (flash_sale_id, viewer_id);
CREATE INDEX orders_coupon_viewer ON orders (coupon_id, viewer_id);
CREATE INDEX orders_viewer ON orders (viewer_id, created_at);
CREATE INDEX orders_created ON orders (created_at);
-- the expiry sweep reads only the orders still holding stock
CREATE INDEX orders_hold ON orders (hold_expires_at) WHERE hold_expires_at IS NOT NULL;
CREATE INDEX orders_payment_ref ON orders (payment_ref) WHERE payment_ref IS NOT NULL;

-- Each provider event is handled once: a replayed webhook finds its id here.
CREATE TABLE payment_events (
  provider     TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  event_type   TEXT NOT NULL,
  order_id     TEXT,
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (provider, event_id)
) STRICT;

-- A viewer's customer record at a provider (a Stripe Customer), for paying with a saved method.
CREATE TABLE payment_customers (
  viewer_id    TEXT NOT NULL REFERENCES viewers (id),
  provider     TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (viewer_id, provider)
) STRICT;
