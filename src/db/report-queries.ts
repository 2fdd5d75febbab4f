import type { ShowEvent } from '../domain/show.js';
import type { ProductAliasRepository, ReportProduct, ReportSource } from '../domain/report.js';
import type { Db } from './open.js';

interface EventRow {
  id: number;
  show_id: string;
  type: ShowEvent['type'];
  at: number;
  stream_ms: number | null;
  payload: string;
}

interface ProductRow {
  id: string;
  title: string;
  sku: string;
  currency: string;
  stock_left: number;
  variant_skus: string | null;
}

/** the payload column holds a JSON object; anything else reads as empty */
function payloadOf(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** the post-show report's reads: watch sessions, standing orders, chat, questions, pins, products */
export function createReportQueries(db: Db): ReportSource {
  const spans = db.prepare<[showId: string], { viewerId: string; joinedAt: number; lastSeenAt: number }>(
    'SELECT viewer_id AS viewerId, joined_at AS joinedAt, last_seen_at AS lastSeenAt FROM watch_sessions WHERE show_id = ?',
  );
  const orders = db.prepare<[showId: string], { productId: string; viewerId: string; quantity: number; total: number; currency: string; createdAt: number }>(
    `SELECT product_id AS productId, viewer_id AS viewerId, quantity, total, currency, created_at AS createdAt
     FROM orders WHERE show_id = ? AND status IN ('pending', 'paid', 'shipped') ORDER BY created_at`,
  );
  // what viewers typed: lines deleted by moderation and the host's own voice are not the audience
  const chat = db.prepare<[showId: string, limit: number], { viewerId: string; text: string; at: number }>(
    `SELECT viewer_id AS viewerId, text, at FROM chat_messages
     WHERE show_id = ? AND deleted_at IS NULL AND viewer_id NOT IN (SELECT viewer_id FROM host_voices)
     ORDER BY at, rowid LIMIT ?`,
  );
  const questions = db.prepare<[showId: string, limit: number], { id: string; kind: 'question' | 'demo'; text: string; productId: string | null; votes: number; answered: number }>(
    `SELECT q.id, q.kind, q.text, q.product_id AS productId, q.answered_at IS NOT NULL AS answered,
       (SELECT count(*) FROM question_votes v WHERE v.question_id = q.id) AS votes
     FROM questions q WHERE q.show_id = ? ORDER BY votes DESC, q.at, q.id LIMIT ?`,
  );
  const pins = db.prepare<[showId: string], EventRow>(
    "SELECT * FROM show_events WHERE show_id = ? AND (type = 'overlay.changed' OR type = 'show.ended') ORDER BY id",
  );
  const productSelect = `SELECT p.id, p.title, p.sku, p.currency,
       coalesce((SELECT sum(v.stock) FROM product_variants v WHERE v.product_id = p.id), p.stock) AS stock_left,
       (SELECT json_group_array(v.sku) FROM product_variants v WHERE v.product_id = p.id) AS variant_skus
     FROM products p`;
  const lineupProducts = db.prepare<[showId: string], ProductRow>(`${productSelect} WHERE p.id IN (SELECT product_id FROM show_lineup WHERE show_id = ?)`);
  const productById = db.prepare<[id: string], ProductRow>(`${productSelect} WHERE p.id = ?`);
  const aliases = db.prepare<[productId: string], string>('SELECT alias FROM product_aliases WHERE product_id = ? ORDER BY rowid').pluck();
  const previous = db.prepare<[host: string, before: number, limit: number], { id: string; startedAt: number; endedAt: number }>(
    `SELECT id, started_at AS startedAt, ended_at AS endedAt FROM shows
     WHERE host = ? AND status = 'ended' AND started_at IS NOT NULL AND ended_at IS NOT NULL AND started_at < ?
     ORDER BY started_at DESC LIMIT ?`,
  );

  const toProduct = (r: ProductRow): ReportProduct => ({
    id: r.id,
    title: r.title,
    sku: r.sku,
    currency: r.currency,
    stockLeft: r.stock_left,
    variantSkus: r.variant_skus ? (JSON.parse(r.variant_skus) as string[]) : [],
    aliases: aliases.all(r.id),
  });

  return {
    watchSpans: (showId) => spans.all(showId),
    standingOrders: (showId) => orders.all(showId),
    chatLines: (showId, limit) => chat.all(showId, limit),
    questions: (showId, limit) => questions.all(showId, limit).map((q) => ({ ...q, answered: q.answered === 1 })),
    pinEvents: (showId) =>
      pins.all(showId).map((r) => ({ id: r.id, showId: r.show_id, type: r.type, at: r.at, streamMs: r.stream_ms, payload: payloadOf(r.payload) })),
    products: (showId, alsoIds) => {
      const byId = new Map(lineupProducts.all(showId).map((r) => [r.id, r]));
      for (const id of alsoIds) {
        if (byId.has(id)) continue;
        const row = productById.get(id);
        if (row) byId.set(id, row);
      }
      return [...byId.values()].map(toProduct);
    },
    previousShows: (host, before, limit) => previous.all(host, before, limit),
  };
}

/** product_aliases */
export function createProductAliasRepository(db: Db): ProductAliasRepository {
  const list = db.prepare<[productId: string], string>('SELECT alias FROM product_aliases WHERE product_id = ? ORDER BY rowid').pluck();
  const clear = db.prepare<[productId: string]>('DELETE FROM product_aliases WHERE product_id = ?');
  const add = db.prepare<[productId: string, alias: string, at: number]>('INSERT INTO product_aliases (product_id, alias, created_at) VALUES (?, ?, ?)');
  const replace = db.transaction((productId: string, aliases: readonly string[], at: number) => {
    clear.run(productId);
    for (const alias of aliases) add.run(productId, alias, at);
  });
  return {
    list: (productId) => list.all(productId),
    replace: (productId, aliases, at) => replace(productId, aliases, at),
  };
}
