import type { Clip, ClipStatus } from '../domain/clip.js';
import type { ClipRepository } from '../domain/ports.js';
import type { Db } from './open.js';

interface ClipRow {
  id: string;
  show_id: string;
  product_id: string;
  start_ms: number;
  end_ms: number;
  status: ClipStatus;
  duration_ms: number | null;
  bytes: number | null;
  error: string | null;
  created_at: number;
  ready_at: number | null;
}

const toClip = (r: ClipRow): Clip => ({
  id: r.id,
  showId: r.show_id,
  productId: r.product_id,
  startMs: r.start_ms,
  endMs: r.end_ms,
  status: r.status,
  durationMs: r.duration_ms,
  bytes: r.bytes,
  error: r.error,
  createdAt: r.created_at,
  readyAt: r.ready_at,
});

/** clips (migration 009) */
export function createClipRepository(db: Db): ClipRepository {
  const insert = db.prepare<[Pick<Clip, 'id' | 'showId' | 'productId' | 'startMs' | 'endMs' | 'createdAt'>]>(
    `INSERT INTO clips (id, show_id, product_id, start_ms, end_ms, status, created_at)
     VALUES (@id, @showId, @productId, @startMs, @endMs, 'pending', @createdAt)`,
  );
  const byId = db.prepare<[id: string], ClipRow>('SELECT * FROM clips WHERE id = ?');
  const ready = db.prepare<[durationMs: number, bytes: number, at: number, id: string]>(
    "UPDATE clips SET status = 'ready', duration_ms = ?, bytes = ?, ready_at = ?, error = NULL WHERE id = ? AND status = 'pending'",
  );
  const failed = db.prepare<[error: string, id: string]>("UPDATE clips SET status = 'failed', error = ? WHERE id = ? AND status = 'pending'");
  // ready_only is 0 or 1: one statement serves the public (ready clips of shows that went live:
  // a scheduled show's media is private) and the merchant (all)
  const byProduct = db.prepare<[productId: string, readyOnly: 0 | 1, limit: number], ClipRow>(
    `SELECT * FROM clips WHERE product_id = ? AND (? = 0 OR (status = 'ready' AND show_id IN (SELECT id FROM shows WHERE status <> 'scheduled')))
     ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  );
  const byShow = db.prepare<[showId: string, readyOnly: 0 | 1, limit: number], ClipRow>(
    `SELECT * FROM clips WHERE show_id = ? AND (? = 0 OR (status = 'ready' AND show_id IN (SELECT id FROM shows WHERE status <> 'scheduled')))
     ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  );
  const deleted = db.prepare<[showId: string]>("UPDATE clips SET status = 'deleted' WHERE show_id = ? AND status <> 'deleted'");
  const abandoned = db.prepare<[error: string]>("UPDATE clips SET status = 'failed', error = ? WHERE status = 'pending'");
  return {
    createPending: (clip) => void insert.run(clip),
    get: (id) => {
      const row = byId.get(id);
      return row && toClip(row);
    },
    markReady: (id, media, at) => ready.run(media.durationMs, media.bytes, at, id).changes > 0,
    markFailed: (id, error) => failed.run(error, id).changes > 0,
    listForProduct: (productId, o) => byProduct.all(productId, o.readyOnly ? 1 : 0, o.limit).map(toClip),
    listForShow: (showId, o) => byShow.all(showId, o.readyOnly ? 1 : 0, o.limit).map(toClip),
    markDeletedForShow: (showId) => deleted.run(showId).changes,
    failAbandoned: (error) => abandoned.run(error).changes,
  };
}
