import type { LineupRepository } from '../domain/ports.js';
import type { Db } from './open.js';

export function createLineupRepository(db: Db): LineupRepository {
  const get = db.prepare<[showId: string], string>('SELECT product_id FROM show_lineup WHERE show_id = ? ORDER BY position').pluck();
  const everListed = db.prepare<[], string>('SELECT DISTINCT product_id FROM show_lineup').pluck();
  const listedAnywhere = db.prepare<[productId: string], number>('SELECT 1 FROM show_lineup WHERE product_id = ? LIMIT 1').pluck();
  const clear = db.prepare<[showId: string]>('DELETE FROM show_lineup WHERE show_id = ?');
  const add = db.prepare<[showId: string, productId: string, position: number]>('INSERT INTO show_lineup (show_id, product_id, position) VALUES (?, ?, ?)');
  const set = db.transaction((showId: string, ids: string[]) => {
    clear.run(showId);
    ids.forEach((id, i) => add.run(showId, id, i));
  });
  return {
    get: (showId) => get.all(showId),
    everListed: () => everListed.all(),
    listedAnywhere: (productId) => listedAnywhere.get(productId) !== undefined,
    set: (showId, ids) => set(showId, ids),
  };
}
