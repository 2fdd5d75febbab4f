import type { ProductFields, ProductRepository } from '../domain/ports.js';
import type { Product, ProductOption, Variant } from '../domain/product.js';
import type { Db } from './open.js';
import { createVariantStore } from './variant-repository.js';

interface ProductRow {
  id: string;
  sku: string;
  title: string;
  description: string;
  price: number;
  currency: string;
  compare_at_price: number | null;
  stock: number;
  stock_version: number;
  has_image: number;
  options: string;
  created_at: number;
  updated_at: number;
}

// with variants, the product's stock is theirs: orders take it from a variant, never from the product row
const toProduct = (r: ProductRow, variants: Variant[]): Product => ({
  id: r.id,
  sku: r.sku,
  title: r.title,
  description: r.description,
  price: r.price,
  currency: r.currency,
  compareAtPrice: r.compare_at_price,
  stock: variants.length ? variants.reduce((sum, v) => sum + v.stock, 0) : r.stock,
  stockVersion: r.stock_version,
  hasImage: r.has_image === 1,
  options: JSON.parse(r.options) as ProductOption[],
  variants,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createProductRepository(db: Db): ProductRepository {
  const variants = createVariantStore(db);
  const insert = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO products (id, sku, title, description, price, currency, compare_at_price, stock, stock_version, has_image, options, created_at, updated_at)
     VALUES (@id, @sku, @title, @description, @price, @currency, @compareAtPrice, @stock, @stockVersion, @hasImage, @options, @createdAt, @updatedAt)`,
  );
  const setOptions = db.prepare<[options: string, at: number, id: string]>('UPDATE products SET options = ?, updated_at = ? WHERE id = ?');
  const byId = db.prepare<[id: string], ProductRow>('SELECT * FROM products WHERE id = ?');
  const bySku = db.prepare<[sku: string], ProductRow>('SELECT * FROM products WHERE sku = ?');
  const all = db.prepare<[], ProductRow>('SELECT * FROM products ORDER BY created_at, rowid');
  const image = db.prepare<[hasImage: 0 | 1, at: number, id: string]>('UPDATE products SET has_image = ?, updated_at = ? WHERE id = ?');
  // never stock: orders change it concurrently, and an edit of the text must not write back a stale count
  const update = db.prepare<[ProductFields]>(
    `UPDATE products SET sku = @sku, title = @title, description = @description, price = @price, currency = @currency,
       compare_at_price = @compareAtPrice, updated_at = @updatedAt WHERE id = @id`,
  );
  const setStock = db.prepare<[stock: number, at: number, id: string, version: number]>(
    'UPDATE products SET stock = ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock_version = ?',
  );
  const adjustStock = db.prepare<[delta: number, at: number, id: string, delta: number]>(
    'UPDATE products SET stock = stock + ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock + ? >= 0',
  );
  const inUse = db
    .prepare<[id: string, id: string, id: string], number>(
      'SELECT (SELECT count(*) FROM orders WHERE product_id = ?) + (SELECT count(*) FROM flash_sales WHERE product_id = ?) + (SELECT count(*) FROM coupons WHERE product_id = ?)',
    )
    .pluck();
  const remove = db.prepare<[id: string]>('DELETE FROM products WHERE id = ?');
  return {
    create: (p) => {
      const { variants: list, options, ...row } = p;
      insert.run({ ...row, options: JSON.stringify(options), hasImage: p.hasImage ? 1 : 0 });
      list.forEach((v, i) => variants.create(v, i));
    },
    get: (id) => {
      const r = byId.get(id);
      return r && toProduct(r, variants.forProduct(r.id));
    },
    findBySku: (sku) => {
      const r = bySku.get(sku);
      return r && toProduct(r, variants.forProduct(r.id));
    },
    list: () => {
      const byProduct = variants.byProduct();
      return all.all().map((r) => toProduct(r, byProduct.get(r.id) ?? []));
    },
    setHasImage: (id, hasImage, at) => void image.run(hasImage ? 1 : 0, at, id),
    update: (p) => void update.run({ id: p.id, sku: p.sku, title: p.title, description: p.description, price: p.price, currency: p.currency, compareAtPrice: p.compareAtPrice, updatedAt: p.updatedAt }),
    setStock: (id, stock, version, at) => setStock.run(stock, at, id, version).changes > 0,
    adjustStock: (id, delta, at) => adjustStock.run(delta, at, id, delta).changes > 0,
    delete: (id) => ((inUse.get(id, id, id) ?? 0) > 0 ? false : remove.run(id).changes > 0),
    setOptions: (id, options, at) => void setOptions.run(JSON.stringify(options), at, id),
    createVariant: (v, position) => variants.create(v, position),
    getVariant: variants.get,
    findVariantBySku: variants.findBySku,
    updateVariant: variants.update,
    setVariantStock: variants.setStock,
    adjustVariantStock: variants.adjustStock,
    setVariantHasImage: variants.setHasImage,
    deleteVariant: variants.delete,
    atomically: (fn) => db.transaction(fn)(),
  };
}
