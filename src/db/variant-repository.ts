import type { VariantFields } from '../domain/ports.js';
import type { Variant } from '../domain/product.js';
import type { Db } from './open.js';

interface VariantRow {
  id: string;
  product_id: string;
  sku: string;
  options: string;
  price: number;
  compare_at_price: number | null;
  stock: number;
  stock_version: number;
  has_image: number;
  position: number;
  created_at: number;
  updated_at: number;
}

const toVariant = (r: VariantRow): Variant => ({
  id: r.id,
  productId: r.product_id,
  sku: r.sku,
  options: JSON.parse(r.options) as Record<string, string>,
  price: r.price,
  compareAtPrice: r.compare_at_price,
  stock: r.stock,
  stockVersion: r.stock_version,
  hasImage: r.has_image === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});


/** product_variants: each variant's SKU, option values, price, stock (versioned like a product's) and picture. */
export function createVariantStore(db: Db) {
  const insert = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO product_variants (id, product_id, sku, options, price, compare_at_price, stock, stock_version, has_image, position, created_at, updated_at)
     VALUES (@id, @productId, @sku, @options, @price, @compareAtPrice, @stock, @stockVersion, @hasImage, @position, @createdAt, @updatedAt)`,
  );
  const forProduct = db.prepare<[productId: string], VariantRow>('SELECT * FROM product_variants WHERE product_id = ? ORDER BY position, rowid');
  const all = db.prepare<[], VariantRow>('SELECT * FROM product_variants ORDER BY product_id, position, rowid');
  const byId = db.prepare<[id: string], VariantRow>('SELECT * FROM product_variants WHERE id = ?');
  const bySku = db.prepare<[sku: string], VariantRow>('SELECT * FROM product_variants WHERE sku = ?');
  const update = db.prepare<[Record<string, unknown>]>(
    `UPDATE product_variants SET sku = @sku, options = @options, price = @price, compare_at_price = @compareAtPrice, position = @position,
       updated_at = @updatedAt WHERE id = @id`,
  );
  const setStock = db.prepare<[stock: number, at: number, id: string, version: number]>(
    'UPDATE product_variants SET stock = ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock_version = ?',
  );
  const adjustStock = db.prepare<[delta: number, at: number, id: string, delta: number]>(
    'UPDATE product_variants SET stock = stock + ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock + ? >= 0',
  );
  const image = db.prepare<[hasImage: 0 | 1, at: number, id: string]>('UPDATE product_variants SET has_image = ?, updated_at = ? WHERE id = ?');
  const inUse = db
    .prepare<[id: string, id: string, id: string], number>(
      'SELECT (SELECT count(*) FROM orders WHERE variant_id = ?) + (SELECT count(*) FROM flash_sales WHERE variant_id = ?) + (SELECT count(*) FROM coupons WHERE variant_id = ?)',
    )
    .pluck();
  const remove = db.prepare<[id: string]>('DELETE FROM product_variants WHERE id = ?');
  return {
    create(v: Variant, position: number): void {
      insert.run({ ...v, options: JSON.stringify(v.options), hasImage: v.hasImage ? 1 : 0, position });
    },
    forProduct: (productId: string): Variant[] => forProduct.all(productId).map(toVariant),
    /** every variant, by product id: one query for a whole catalog */
    byProduct(): Map<string, Variant[]> {
      const out = new Map<string, Variant[]>();
      for (const r of all.all()) {
        const list = out.get(r.product_id) ?? [];
        list.push(toVariant(r));
        out.set(r.product_id, list);
      }
      return out;
    },
    get: (id: string): Variant | undefined => {
      const r = byId.get(id);
      return r && toVariant(r);
    },
    findBySku: (sku: string): Variant | undefined => {
      const r = bySku.get(sku);
      return r && toVariant(r);
    },
    update: (v: VariantFields): void => void update.run({ ...v, options: JSON.stringify(v.options) }),
    setStock: (id: string, stock: number, version: number, at: number): boolean => setStock.run(stock, at, id, version).changes > 0,
    adjustStock: (id: string, delta: number, at: number): boolean => adjustStock.run(delta, at, id, delta).changes > 0,
    setHasImage: (id: string, hasImage: boolean, at: number): void => void image.run(hasImage ? 1 : 0, at, id),
    /** false when orders, flash sales or coupons still name it */
    delete: (id: string): boolean => ((inUse.get(id, id, id) ?? 0) > 0 ? false : remove.run(id).changes > 0),
  };
}

export type VariantStore = ReturnType<typeof createVariantStore>;
