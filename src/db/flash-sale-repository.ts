import type { FlashSaleRepository } from '../domain/ports.js';
import type { FlashSale } from '../domain/overlay.js';
import type { Db } from './open.js';

interface FlashSaleRow {
  id: string;
  show_id: string;
  product_id: string;
  variant_id: string | null;
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
  variantId: r.variant_id,
  price: r.price,
  quantity: r.quantity,
  remaining: r.remaining,
  perCustomerLimit: r.per_customer_limit,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdAt: r.created_at,
});

export function createFlashSaleRepository(db: Db): FlashSaleRepository {
  const insert = db.prepare<[FlashSale]>(
    `INSERT INTO flash_sales (id, show_id, product_id, variant_id, price, quantity, remaining, per_customer_limit, starts_at, ends_at, created_at)
     VALUES (@id, @showId, @productId, @variantId, @price, @quantity, @remaining, @perCustomerLimit, @startsAt, @endsAt, @createdAt)`,
  );
  const byId = db.prepare<[id: string], FlashSaleRow>('SELECT * FROM flash_sales WHERE id = ?');
  const forShow = db.prepare<[showId: string], FlashSaleRow>('SELECT * FROM flash_sales WHERE show_id = ? ORDER BY starts_at, rowid');
  const end = db.prepare<[at: number, id: string, at: number]>('UPDATE flash_sales SET ends_at = MAX(starts_at + 1, ?) WHERE id = ? AND ends_at > ?');
  const soldOut = db.prepare<[at: number, id: string, at: number]>('UPDATE flash_sales SET held_until = ends_at, ends_at = MAX(starts_at + 1, ?) WHERE id = ? AND ends_at > ?');
  return {
    create: (sale) => void insert.run(sale),
    get: (id) => {
      const r = byId.get(id);
      return r && toSale(r);
    },
    listForShow: (showId) => forShow.all(showId).map(toSale),
    end: (id, at) => void end.run(at, id, at),
    endSoldOut: (id, at) => void soldOut.run(at, id, at),
  };
}
