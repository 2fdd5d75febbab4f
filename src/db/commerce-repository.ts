import type { FlashSaleRepository, OverlayStateRepository, ProductRepository } from '../domain/ports.js';
import { emptyOverlayState, type FlashSale, type OverlayState } from '../domain/overlay.js';
import type { Product } from '../domain/product.js';
import type { Db } from './open.js';

interface ProductRow {
  id: string;
  sku: string;
  title: string;
  description: string;
  price: number;
  currency: string;
  compare_at_price: number | null;
  stock: number;
  has_image: number;
  created_at: number;
  updated_at: number;
}

const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  sku: r.sku,
  title: r.title,
  description: r.description,
  price: r.price,
  currency: r.currency,
  compareAtPrice: r.compare_at_price,
  stock: r.stock,
  hasImage: r.has_image === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createProductRepository(db: Db): ProductRepository {
  const insert = db.prepare(
    `INSERT INTO products (id, sku, title, description, price, currency, compare_at_price, stock, has_image, created_at, updated_at)
     VALUES (@id, @sku, @title, @description, @price, @currency, @compareAtPrice, @stock, @hasImage, @createdAt, @updatedAt)`,
  );
  const byId = db.prepare('SELECT * FROM products WHERE id = ?');
  const bySku = db.prepare('SELECT * FROM products WHERE sku = ?');
  const all = db.prepare('SELECT * FROM products ORDER BY created_at, rowid');
  const image = db.prepare('UPDATE products SET has_image = ?, updated_at = ? WHERE id = ?');
  const update = db.prepare(
    `UPDATE products SET sku = @sku, title = @title, description = @description, price = @price, currency = @currency,
       compare_at_price = @compareAtPrice, stock = @stock, updated_at = @updatedAt WHERE id = @id`,
  );
  const inUse = db.prepare('SELECT (SELECT count(*) FROM orders WHERE product_id = ?) + (SELECT count(*) FROM flash_sales WHERE product_id = ?)').pluck();
  const remove = db.prepare('DELETE FROM products WHERE id = ?');
  return {
    create: (p) => void insert.run({ ...p, hasImage: p.hasImage ? 1 : 0 }),
    get: (id) => {
      const r = byId.get(id) as ProductRow | undefined;
      return r && toProduct(r);
    },
    findBySku: (sku) => {
      const r = bySku.get(sku) as ProductRow | undefined;
      return r && toProduct(r);
    },
    list: () => (all.all() as ProductRow[]).map(toProduct),
    setHasImage: (id, hasImage, at) => void image.run(hasImage ? 1 : 0, at, id),
    update: (p) => void update.run(p),
    delete: (id) => ((inUse.get(id, id) as number) > 0 ? false : remove.run(id).changes > 0),
    atomically: (fn) => db.transaction(fn)(),
  };
}

export function createOverlayStateRepository(db: Db): OverlayStateRepository {
  const get = db.prepare('SELECT state FROM show_overlays WHERE show_id = ?');
  const save = db.prepare(
    `INSERT INTO show_overlays (show_id, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (show_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  return {
    get: (showId) => {
      const row = get.get(showId) as { state: string } | undefined;
      // merged with the empty state: a state saved before a field existed still reads whole
      return row ? { ...emptyOverlayState(), ...(JSON.parse(row.state) as Partial<OverlayState>) } : undefined;
    },
    save: (showId, state, at) => void save.run(showId, JSON.stringify(state), at),
  };
}

interface FlashSaleRow {
  id: string;
  show_id: string;
  product_id: string;
  price: number;
  quantity: number;
  remaining: number;
  per_customer_limit: number | null;
  starts_at: number;
  ends_at: number;
  created_at: number;
}

const toSale = (r: FlashSaleRow): FlashSale => ({
  id: r.id,
  showId: r.show_id,
  productId: r.product_id,
  price: r.price,
  quantity: r.quantity,
  remaining: r.remaining,
  perCustomerLimit: r.per_customer_limit,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdAt: r.created_at,
});

export function createFlashSaleRepository(db: Db): FlashSaleRepository {
  const insert = db.prepare(
    `INSERT INTO flash_sales (id, show_id, product_id, price, quantity, remaining, per_customer_limit, starts_at, ends_at, created_at)
     VALUES (@id, @showId, @productId, @price, @quantity, @remaining, @perCustomerLimit, @startsAt, @endsAt, @createdAt)`,
  );
  const byId = db.prepare('SELECT * FROM flash_sales WHERE id = ?');
  const forShow = db.prepare('SELECT * FROM flash_sales WHERE show_id = ? ORDER BY starts_at, rowid');
  const end = db.prepare('UPDATE flash_sales SET ends_at = MAX(starts_at + 1, ?) WHERE id = ? AND ends_at > ?');
  return {
    create: (sale) => void insert.run(sale),
    get: (id) => {
      const r = byId.get(id) as FlashSaleRow | undefined;
      return r && toSale(r);
    },
    listForShow: (showId) => (forShow.all(showId) as FlashSaleRow[]).map(toSale),
    end: (id, at) => void end.run(at, id, at),
  };
}
