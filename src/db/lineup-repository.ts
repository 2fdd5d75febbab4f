import type { LineupRepository } from '../domain/ports.js';
import type { Db } from './open.js';

export function createLineupRepository(db: Db): LineupRepository {
  const get = db.prepare('SELECT product_id FROM show_lineup WHERE show_id = ? ORDER BY position');
  const clear = db.prepare('DELETE FROM show_lineup WHERE show_id = ?');
  const add = db.prepare('INSERT INTO show_lineup (show_id, product_id, position) VALUES (?, ?, ?)');
  const set = db.transaction((showId: string, ids: string[]) => {
    clear.run(showId);
    ids.forEach((id, i) => add.run(showId, id, i));
  });
  return {
    get: (showId) => (get.all(showId) as Array<{ product_id: string }>).map((r) => r.product_id),
    set: (showId, ids) => set(showId, ids),
  };
}
