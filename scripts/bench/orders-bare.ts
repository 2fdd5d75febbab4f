// The anchor of bench:orders: a bare node:http + better-sqlite3 server taking the same orders
// over the same requests (JSON body, Bearer viewer token, Idempotency-Key) on the same schema
// (Hawker's migrations: WAL, synchronous=FULL, the orders row with its indexes and foreign
// keys), one transaction per order: the idempotency lookup by (viewer, key), the conditional
// stock decrement, the insert. None of the rest: no framework, no schemas, no logging, no
// timeline, no webhook outbox, no rate limit; the viewer token is looked up in a Map.
// Usage: node --import tsx scripts/bench/orders-bare.ts <port> <data dir> <stock>
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open.js';

const [port, dataDir, stock] = [Number(process.argv[2]), String(process.argv[3]), Number(process.argv[4])];
const db = openDatabase(join(dataDir, 'hawker.db'));
const now = Date.now();
const SHOW_ID = 'bare-show';
const PRODUCT_ID = 'bare-product';
db.prepare("INSERT INTO shows (id, title, status, stream_key, created_at) VALUES (?, 'bare', 'live', ?, ?)").run(SHOW_ID, randomBytes(32).toString('base64url'), now);
const VARIANT_ID = 'bare-variant-s';
// the same catalog as Hawker's round: a product with two variants, the load buying one of them
db.prepare("INSERT INTO products (id, sku, title, price, currency, stock, options, created_at, updated_at) VALUES (?, 'B', 'Bench', 100, 'USD', 0, ?, ?, ?)").run(
  PRODUCT_ID,
  JSON.stringify([{ name: 'Size', values: ['S', 'M'] }]),
  now,
  now,
);
const insertVariant = db.prepare<[id: string, sku: string, options: string, stock: number, at: number, at: number]>(
  "INSERT INTO product_variants (id, product_id, sku, options, price, stock, created_at, updated_at) VALUES (?, 'bare-product', ?, ?, 100, ?, ?, ?)",
);
insertVariant.run(VARIANT_ID, 'B-S', '{"Size":"S"}', stock, now, now);
insertVariant.run('bare-variant-m', 'B-M', '{"Size":"M"}', stock, now, now);

interface OrderRow {
  id: string;
  show_id: string;
  viewer_id: string;
  product_id: string;
  quantity: number;
  unit_price: number;
  total: number;
  currency: string;
  status: string;
  created_at: number;
}
const byKey = db.prepare<[viewerId: string, key: string], OrderRow>('SELECT * FROM orders WHERE viewer_id = ? AND idempotency_key = ?');
const takeStock = db.prepare<[quantity: number, at: number, id: string, quantity: number], { price: number; currency: string }>(
  'UPDATE product_variants SET stock = stock - ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock >= ? RETURNING price, (SELECT currency FROM products WHERE id = product_id) AS currency',
);
const insert = db.prepare(
  `INSERT INTO orders (id, show_id, viewer_id, product_id, variant_id, quantity, unit_price, total, currency, status, hold_expires_at, payment_provider,
     contact, shipping_address, idempotency_key, request_hash, on_screen, created_at, updated_at)
   VALUES (@id, @show_id, @viewer_id, @product_id, @variant_id, @quantity, @unit_price, @total, @currency, 'pending', @hold, 'manual',
     @contact, @address, @key, @hash, '{"pinnedProductId":null,"flashSaleId":null}', @created_at, @created_at)`,
);
const insertViewer = db.prepare<[id: string, name: string, hash: string, at: number]>('INSERT INTO viewers (id, display_name, token_hash, created_at) VALUES (?, ?, ?, ?)');

type Outcome = { status: 201; order: OrderRow } | { status: 409; code: string };
const place = db.transaction((viewerId: string, key: string, productId: string, variantId: string, quantity: number, contact: string, address: string): Outcome => {
  const seen = byKey.get(viewerId, key);
  if (seen) return { status: 201, order: seen };
  const at = Date.now();
  const product = takeStock.get(quantity, at, variantId, quantity);
  if (!product) return { status: 409, code: 'SOLD_OUT' };
  const order: OrderRow = {
    id: randomBytes(9).toString('base64url'),
    show_id: SHOW_ID,
    viewer_id: viewerId,
    product_id: productId,
    quantity,
    unit_price: product.price,
    total: product.price * quantity,
    currency: product.currency,
    status: 'pending',
    created_at: at,
  };
  insert.run({ ...order, variant_id: variantId, contact, address, hold: at + 600_000, key, hash: `${productId}:${variantId}:${quantity}` });
  return { status: 201, order };
});

const tokens = new Map<string, string>();
const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
};
const readJson = (req: IncomingMessage): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {});
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    req.on('error', reject);
  });

const server = createServer((req, res) => {
  void (async () => {
    try {
      const body = await readJson(req);
      if (req.method === 'POST' && req.url === '/api/viewers') {
        const id = randomBytes(9).toString('base64url');
        const token = `v_${randomBytes(32).toString('base64url')}`;
        // the token itself stays in memory only (the Map is this server's whole authentication)
        insertViewer.run(id, String(body.displayName), randomBytes(32).toString('hex'), Date.now());
        tokens.set(token, id);
        return send(res, 201, { viewerId: id, token, showId: SHOW_ID, productId: PRODUCT_ID, variantId: VARIANT_ID });
      }
      const m = req.method === 'POST' ? /^\/api\/shows\/([^/]+)\/orders$/.exec(req.url ?? '') : null;
      if (!m) return send(res, 404, { code: 'NOT_FOUND' });
      const viewerId = tokens.get((req.headers.authorization ?? '').replace(/^Bearer\s+/, ''));
      if (!viewerId) return send(res, 401, { code: 'INVALID_VIEWER_TOKEN' });
      const key = req.headers['idempotency-key'];
      const { productId, variantId, quantity, contact, shippingAddress } = body;
      if (typeof key !== 'string' || typeof productId !== 'string' || typeof variantId !== 'string' || !Number.isInteger(quantity) || m[1] !== SHOW_ID) return send(res, 400, { code: 'VALIDATION' });
      const outcome = place(viewerId, key, productId, variantId, quantity as number, JSON.stringify(contact ?? null), JSON.stringify(shippingAddress ?? null));
      if (outcome.status === 409) return send(res, 409, { code: outcome.code });
      const o = outcome.order;
      return send(res, 201, { id: o.id, showId: o.show_id, viewerId: o.viewer_id, productId: o.product_id, quantity: o.quantity, unitPrice: o.unit_price, total: o.total, currency: o.currency, status: o.status, createdAt: new Date(o.created_at).toISOString() });
    } catch (err) {
      send(res, 500, { code: 'INTERNAL', message: String(err) });
    }
  })();
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
