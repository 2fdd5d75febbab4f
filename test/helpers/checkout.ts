// Variants written straight into the database file, for in-process tests of the order rules
// until the product API takes them (issue 14, VARIANTS): the same rows that API writes.
import type { Db } from '../../src/db/open.js';

export interface TestVariant {
  id: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  stock: number;
}

export function addVariants(db: Db, productId: string, options: Array<{ name: string; values: string[] }>, variants: TestVariant[]): void {
  db.prepare('UPDATE products SET options = ? WHERE id = ?').run(JSON.stringify(options), productId);
  const insert = db.prepare(
    'INSERT INTO product_variants (id, product_id, sku, options, price, stock, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)',
  );
  variants.forEach((v, i) => insert.run(v.id, productId, v.sku, JSON.stringify(v.options), v.price, v.stock, i));
}

export const variantStock = (db: Db, id: string) => db.prepare('SELECT stock FROM product_variants WHERE id = ?').pluck().get(id) as number;

/**
 * Orders are taken for a show's lineup while it is live (issue 14): tests that order put the
 * products in the lineup (kept, with what is there) and the show live, as a real go-live does.
 */
export function openForOrders(db: Db, showId: string, productIds: string[], startedAt = Date.now()): void {
  const add = db.prepare('INSERT OR IGNORE INTO show_lineup (show_id, product_id, position) VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM show_lineup WHERE show_id = ?))');
  for (const id of productIds) add.run(showId, id, showId);
  db.prepare("UPDATE shows SET status = 'live', started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'scheduled'").run(startedAt, showId);
}
